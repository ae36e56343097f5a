namespace IronRuntime.Pii.Internal;

/// <summary>
/// One hand-written detector: the bytes that can trigger it, a validator run at each trigger, and the grammar of
/// the tail it would need to see more of.
/// </summary>
/// <remarks>
/// Contract (what makes streaming equal the whole): <see cref="Match"/> returns Match or None only when appending text
/// cannot change the answer, NeedMore otherwise; a candidate never starts before <c>floor</c> and looks at most
/// <see cref="PiiEngine.ContextBytes"/> bytes before its start; <see cref="TailHold"/> covers every tail that could
/// become a candidate whose trigger has not arrived yet.
/// </remarks>
internal abstract class PiiDetector
{
    /// <summary>The entity types this detector can report (at least one).</summary>
    public abstract IReadOnlyList<string> EntityTypes { get; }

    /// <summary>The bytes at which <see cref="Match"/> is tried.</summary>
    public abstract ReadOnlySpan<byte> Triggers { get; }

    /// <summary>Tries the candidate around the trigger at <paramref name="trigger"/>.</summary>
    public abstract PiiCandidate Match(in ScanInput input, int floor, int trigger);

    /// <summary>The earliest position (at or after <paramref name="floor"/>) of a tail that could still start a value; the length when none.</summary>
    public virtual int TailHold(in ScanInput input, int floor) => input.Length;

    /// <summary>The entity types whose flag is on, in the order given (for a detector whose types are options).</summary>
    protected static IReadOnlyList<string> Enabled(params ReadOnlySpan<(bool On, string Type)> types)
    {
        var enabled = new List<string>(types.Length);
        foreach (var (on, type) in types)
        {
            if (on)
            {
                enabled.Add(type);
            }
        }

        return enabled;
    }

    /// <summary>
    /// Whether the text at <paramref name="trigger"/> starts with <paramref name="literal"/>. When it does not,
    /// <paramref name="answer"/> is the detector's answer: NeedMore (as <paramref name="entityType"/>) while the text
    /// ends in a beginning of the literal and more may come, None otherwise.
    /// </summary>
    protected static bool StartsWithLiteral(in ScanInput input, int trigger, ReadOnlySpan<byte> literal, string entityType, out PiiCandidate answer)
    {
        ReadOnlySpan<byte> rest = input.Text[trigger..];
        if (rest.StartsWith(literal))
        {
            answer = PiiCandidate.None;
            return true;
        }

        answer = rest.Length < literal.Length && literal.StartsWith(rest) ? PiiCandidate.NeedMoreOrNone(input, trigger, entityType) : PiiCandidate.None;
        return false;
    }

    /// <summary>Start of the trailing run of bytes in <paramref name="classes"/>, at a word boundary, no longer than <paramref name="maxLength"/>; else the length.</summary>
    protected static int TrailingRun(in ScanInput input, int floor, int classes, int maxLength)
    {
        ReadOnlySpan<byte> text = input.Text;
        int s = text.Length;
        while (s > floor && PiiAscii.Is(text[s - 1], classes))
        {
            s--;
        }

        if (s == text.Length || text.Length - s > maxLength || PiiAscii.Is(input.At(s - 1), classes))
        {
            return text.Length;
        }

        return s;
    }
}
