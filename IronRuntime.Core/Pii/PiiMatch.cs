namespace IronRuntime.Pii;

/// <summary>One value found by an <see cref="IPiiEngine"/>: where it is in the scanned UTF-8 text, what it is and how sure the detector is.</summary>
/// <param name="Start">The offset of its first byte.</param>
/// <param name="Length">Its length in bytes.</param>
/// <param name="EntityType">What it is, for example <see cref="PiiEntityTypes.Email"/>.</param>
/// <param name="Confidence">
/// How sure the detector is, from 0 to 1: validated formats (a Luhn card, a mod-97 IBAN, a key with a known prefix) near
/// 1, ambiguous shapes lower unless a label such as <c>SSN:</c> precedes them (see <see cref="PiiOptions.Thresholds"/>).
/// </param>
public readonly record struct PiiMatch(int Start, int Length, string EntityType, double Confidence = 1.0)
{
    /// <summary>The offset just past its last byte.</summary>
    public int End => Start + Length;
}
