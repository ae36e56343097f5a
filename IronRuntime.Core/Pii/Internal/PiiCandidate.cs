namespace IronRuntime.Pii.Internal;

/// <summary>A detector's answer at one trigger.</summary>
internal readonly struct PiiCandidate
{
    private PiiCandidate(PiiCandidateKind kind, int start, int end, string? entityType, double confidence)
    {
        Kind = kind;
        Start = start;
        End = end;
        EntityType = entityType;
        Confidence = confidence;
    }

    public PiiCandidateKind Kind { get; }

    public int Start { get; }

    public int End { get; }

    public string? EntityType { get; }

    /// <summary>How sure the detector is (0–1), see <see cref="PiiConfidence"/>.</summary>
    public double Confidence { get; }

    public static PiiCandidate None => default;

    public static PiiCandidate Match(int start, int end, string entityType, double confidence = PiiConfidence.Validated) => new(PiiCandidateKind.Match, start, end, entityType, confidence);

    /// <summary>The value starting at <paramref name="start"/> reaches the end of the text and could change with more.</summary>
    public static PiiCandidate NeedMore(int start, string entityType) => new(PiiCandidateKind.NeedMore, start, 0, entityType, 0);

    /// <summary>NeedMore unless the text is final, in which case nothing.</summary>
    public static PiiCandidate NeedMoreOrNone(in ScanInput input, int start, string entityType) => input.IsFinal ? None : NeedMore(start, entityType);
}
