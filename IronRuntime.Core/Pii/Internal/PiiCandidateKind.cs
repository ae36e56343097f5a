namespace IronRuntime.Pii.Internal;

/// <summary>What a detector found at a trigger.</summary>
internal enum PiiCandidateKind
{
    None = 0,
    Match = 1,
    NeedMore = 2,
}
