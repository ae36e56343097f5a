namespace IronRuntime.Pii;

/// <summary>One value found by an <see cref="IPiiEngine"/>: where it is in the scanned UTF-8 text and what it is.</summary>
/// <param name="Start">The offset of its first byte.</param>
/// <param name="Length">Its length in bytes.</param>
/// <param name="EntityType">What it is, for example <see cref="PiiEntityTypes.Email"/>.</param>
public readonly record struct PiiMatch(int Start, int Length, string EntityType)
{
    /// <summary>The offset just past its last byte.</summary>
    public int End => Start + Length;
}
