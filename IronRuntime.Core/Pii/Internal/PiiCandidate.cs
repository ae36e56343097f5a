namespace IronRuntime.Pii.Internal;

/// <summary>A detector's answer at one trigger.</summary>
/// <param name="Kind">Match, NeedMore or none.</param>
/// <param name="Start">Where the value starts.</param>
/// <param name="End">Where a match ends.</param>
/// <param name="EntityType">The entity type of the value.</param>
/// <param name="Confidence">How sure the detector is (0–1), see <see cref="PiiConfidence"/>.</param>
internal readonly record struct PiiCandidate(PiiCandidateKind Kind, int Start, int End, string? EntityType, double Confidence)
{
    public static PiiCandidate None => default;

    public static PiiCandidate Match(int start, int end, string entityType, double confidence = PiiConfidence.Validated) => new(PiiCandidateKind.Match, start, end, entityType, confidence);

    /// <summary>The value starting at <paramref name="start"/> reaches the end of the text and could change with more.</summary>
    public static PiiCandidate NeedMore(int start, string entityType) => new(PiiCandidateKind.NeedMore, start, 0, entityType, 0);

    /// <summary>NeedMore unless the text is final, in which case nothing.</summary>
    public static PiiCandidate NeedMoreOrNone(in ScanInput input, int start, string entityType) => input.IsFinal ? None : NeedMore(start, entityType);
}
