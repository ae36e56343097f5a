using IronRuntime.Pii.Internal;

namespace IronRuntime.Pii.Detectors;

/// <summary>
/// Phone numbers, US SSNs, payment cards and IPv4 addresses: every digit run at a word boundary is read once into
/// groups and gaps (<see cref="NumericRun"/>), then each enabled format is checked; the longest valid value wins.
/// </summary>
/// <remarks>
/// A digit that follows another digit group across one or two separators continues that run, so <c>415-555-0132 5</c>
/// is the phone and a lone 5; it starts a run of its own only when the values read from the earlier run end exactly
/// before its separator (<c>4111111111111111 5555555555554444</c> is two cards, see <see cref="MatchAfterRun"/>). Whitespace is not a safe cut: while a run reaches the end of
/// the text it is pending.
/// </remarks>
internal sealed partial class NumericDetector(bool phone, bool ssn, bool card, bool ipv4, PiiThresholds thresholds) : PiiDetector
{
    private const int MaxRunBytes = 48;

    public override IReadOnlyList<string> EntityTypes { get; } = Enabled(
        (ssn, PiiEntityTypes.Ssn),
        (card, PiiEntityTypes.CreditCard),
        (phone, PiiEntityTypes.Phone),
        (ipv4, PiiEntityTypes.IpAddress));

    /// <summary>The type a run still pending is held as: the first enabled one.</summary>
    private string PendingType => EntityTypes.Count > 0 ? EntityTypes[0] : PiiEntityTypes.Phone;

    public override ReadOnlySpan<byte> Triggers => "0123456789"u8;

    public override PiiCandidate Match(in ScanInput input, int floor, int trigger)
    {
        if (input.IsWordBefore(trigger))
        {
            return PiiCandidate.None;
        }

        return ContinuesRun(input, trigger) ? MatchAfterRun(input, floor, trigger) : MatchRun(input, floor, trigger);
    }

    /// <summary>The value (if any) of the run that starts at <paramref name="trigger"/>.</summary>
    private PiiCandidate MatchRun(in ScanInput input, int floor, int trigger)
    {
        int before = input.At(trigger - 1);
        var run = default(NumericRun);
        int start = trigger;
        // A '+' or '(' glued to a word is punctuation, not a prefix: the value (if any) starts at the digit, as it does
        // when the stream released that byte before the digit came (TailHold holds only a free-standing prefix).
        if (before is '+' or '(' && trigger - 1 >= floor && !input.IsWordBefore(trigger - 1))
        {
            start = trigger - 1;
            run.Plus = before == '+';
            run.OpenParen = before == '(';
        }

        if (!Read(input, trigger, ref run, out bool pending))
        {
            return PiiCandidate.None;
        }

        if (pending)
        {
            return PiiCandidate.NeedMore(start, PendingType);
        }

        // Only a phone takes the '+' or an area code's '(' into the value; for the rest both are punctuation (a card,
        // an SSN or an IPv4 address after a '+' is still one). After a '+' a phone is considered first, so that it wins
        // a tie. Formats below their type's threshold are not candidates: a shorter format above it wins.
        var best = new Best(-1, null, 0);
        double confidence = 0;
        if (run.Plus)
        {
            Consider(phone ? Phone(input, run, out confidence) : 0, confidence, PiiEntityTypes.Phone, run, ref best);
        }

        Consider(ssn ? Ssn(input, run, out confidence) : 0, confidence, PiiEntityTypes.Ssn, run, ref best);
        Consider(card ? Card(input.Text, run) : 0, PiiConfidence.Card, PiiEntityTypes.CreditCard, run, ref best);
        if (!run.Plus)
        {
            Consider(phone ? Phone(input, run, out confidence) : 0, confidence, PiiEntityTypes.Phone, run, ref best);
        }

        Consider(ipv4 ? IPv4(input.Text, run) : 0, PiiConfidence.IpAddress, PiiEntityTypes.IpAddress, run, ref best);
        if (best.Type is null)
        {
            return PiiCandidate.None;
        }

        bool takesPrefix = best.Type == PiiEntityTypes.Phone && (run.Plus || (run.OpenParen && run.GapAfter(0) == NumericGap.ParenClose));
        return PiiCandidate.Match(takesPrefix ? start : trigger, best.End, best.Type, best.Confidence);
    }

    public override int TailHold(in ScanInput input, int floor)
    {
        int last = input.Length - 1;
        if (last >= floor && input.Text[last] is (byte)'+' or (byte)'(' && !input.IsWordBefore(last))
        {
            return last;
        }

        return input.Length;
    }

    private void Consider(int groups, double confidence, string type, in NumericRun run, ref Best best)
    {
        if (groups > 0 && run.End(groups - 1) > best.End && thresholds.Passes(type, confidence))
        {
            best = new Best(run.End(groups - 1), type, confidence);
        }
    }

    private readonly record struct Best(int End, string? Type, double Confidence);

    /// <summary>
    /// Whether the digit at <paramref name="trigger"/> continues a run that started earlier: it follows a digit across a
    /// gap the run grammar accepts (the same rule <see cref="Read"/> applies going forward).
    /// </summary>
    private static bool ContinuesRun(in ScanInput input, int trigger)
    {
        int b1 = input.At(trigger - 1);
        if (!IsSeparator(b1))
        {
            return false;
        }

        int b2 = input.At(trigger - 2);
        if (PiiAscii.IsDigit(b2))
        {
            return (b1 != ')' || OpenedByParen(input, trigger - 2));
        }

        if (!IsSeparator(b2) || !PiiAscii.IsDigit(input.At(trigger - 3)))
        {
            return false;
        }

        return (b2, b1) switch
        {
            (' ', '(') => true,
            (')', ' ') or (')', '-') => OpenedByParen(input, trigger - 3),
            _ => false,
        };
    }

    /// <summary>Whether the digit group ending at <paramref name="lastDigit"/> is opened by '(' (an area code: at most 4 digits back).</summary>
    private static bool OpenedByParen(in ScanInput input, int lastDigit)
    {
        int i = lastDigit;
        while (lastDigit - i < 4 && PiiAscii.IsDigit(input.At(i)))
        {
            i--;
        }

        return input.At(i) == '(';
    }

    private static bool IsSeparator(int b) => b is ' ' or '-' or '.' or '(' or ')';

    /// <summary>Reads the run from its first digit. False when it is glued to a word; <paramref name="pending"/> when it reaches the end of open text.</summary>
    private static bool Read(in ScanInput input, int first, ref NumericRun run, out bool pending)
    {
        ReadOnlySpan<byte> text = input.Text;
        pending = false;
        int p = first;
        while (true)
        {
            int q = p;
            while (q < text.Length && PiiAscii.IsDigit(text[q]))
            {
                q++;
            }

            if (q == text.Length && !input.IsFinal)
            {
                pending = true;
                return true;
            }

            run.Add(p, q - p);
            if (run.Count == NumericRun.MaxGroups || q - first > MaxRunBytes)
            {
                // Too long to be any format: decided by the groups read (what follows is not a valid end).
                run.SetGap(run.Count - 1, NumericGap.Other);
                return true;
            }

            // A ')' only closes a group that '(' opened; otherwise it ends the run.
            bool parenGroup = run.Count == 1 ? run.OpenParen : run.GapAfter(run.Count - 2) == NumericGap.ParenOpen;
            int r = q;
            while (r < text.Length && r - q < 2 && IsSeparator(text[r]) && (text[r] != ')' || (parenGroup && r == q)))
            {
                r++;
            }

            if (r == text.Length && !input.IsFinal && r > q)
            {
                pending = true;
                return true;
            }

            NumericGap gap = r > q && r < text.Length && PiiAscii.IsDigit(text[r]) ? Classify(text[q..r]) : NumericGap.End;
            if (gap is not (NumericGap.End or NumericGap.Other))
            {
                run.SetGap(run.Count - 1, gap);
                p = r;
                continue;
            }

            // The run ends after this group; a word character (of any script) glued to it means it is part of something else.
            return !input.IsWordAt(q);
        }
    }

    private static NumericGap Classify(ReadOnlySpan<byte> gap) => gap switch
    {
        [(byte)' '] => NumericGap.Space,
        [(byte)'-'] => NumericGap.Dash,
        [(byte)'.'] => NumericGap.Dot,
        [(byte)')'] or [(byte)')', (byte)' '] or [(byte)')', (byte)'-'] => NumericGap.ParenClose,
        [(byte)'('] or [(byte)' ', (byte)'('] => NumericGap.ParenOpen,
        _ => NumericGap.Other,
    };
}
