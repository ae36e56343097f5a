namespace IronRuntime.Pii.Detectors;

internal sealed partial class NumericDetector
{
    /// <summary>
    /// US SSN: 3-2-4 digits joined by dashes or spaces (<see cref="Internal.PiiConfidence.SsnFormatted"/>), or nine bare
    /// digits (<see cref="Internal.PiiConfidence.SsnBare"/>, reported by default only after a label: <c>SSN: 578611004</c>;
    /// also in parentheses, never after a <c>+</c>);
    /// area not 000, 666 or 900–999, group not 00, serial not 0000. A label raises the confidence.
    /// </summary>
    private static int Ssn(in Internal.ScanInput input, in NumericRun run, out double confidence)
    {
        ReadOnlySpan<byte> text = input.Text;
        confidence = 0;
        // After a '+' the digits are an international phone number; in parentheses they are still an SSN (as 3-2-4 ones are).
        if (!run.Plus && run.Length(0) == 9 && run.CanEndAfter(1))
        {
            int bareArea = Number(text, run.Start(0), 3);
            if (bareArea is 0 or 666 or >= 900 || Number(text, run.Start(0) + 3, 2) == 0 || Number(text, run.Start(0) + 5, 4) == 0)
            {
                return 0;
            }

            confidence = Internal.PiiLabels.Precedes(input, run.Start(0), Internal.PiiLabels.Ssn) ? Internal.PiiConfidence.WithLabel(Internal.PiiConfidence.SsnBare) : Internal.PiiConfidence.SsnBare;
            return 1;
        }

        if (run.Count < 3 || run.Length(0) != 3 || run.Length(1) != 2 || run.Length(2) != 4
            || run.GapAfter(0) != run.GapAfter(1) || run.GapAfter(0) is not (NumericGap.Dash or NumericGap.Space) || !run.CanEndAfter(3))
        {
            return 0;
        }

        int area = Number(text, run.Start(0), 3);
        int group = Number(text, run.Start(1), 2);
        int serial = Number(text, run.Start(2), 4);
        if (area is 0 or 666 or >= 900 || group == 0 || serial == 0)
        {
            return 0;
        }

        confidence = Internal.PiiLabels.Precedes(input, run.Start(0), Internal.PiiLabels.Ssn) ? Internal.PiiConfidence.WithLabel(Internal.PiiConfidence.SsnFormatted) : Internal.PiiConfidence.SsnFormatted;
        return 3;
    }

    /// <summary>
    /// Payment card: 13–19 digits passing Luhn with a plausible first digit (2–6), written as one run or in groups of
    /// four (the last 1–4) or 4-6-5 / 4-6-4, joined by one kind of separator (space or dash). Longest first.
    /// </summary>
    private static int Card(ReadOnlySpan<byte> text, in NumericRun run)
    {
        if (text[run.Start(0)] is < (byte)'2' or > (byte)'6')
        {
            return 0;
        }

        if (run.Length(0) >= 13)
        {
            return run.Length(0) <= 19 && run.CanEndAfter(1) && FifteenIsAmex(text, run, 1) && Luhn(text, run, 1) ? 1 : 0;
        }

        // A grouped card has at least three groups (two hold at most 4 + 4 digits, see below).
        if (run.Length(0) != 4 || run.Count < 3)
        {
            return 0;
        }

        NumericGap separator = run.GapAfter(0);
        if (separator is not (NumericGap.Space or NumericGap.Dash))
        {
            return 0;
        }

        // An expiry month after the number (4772 1851 8222 2544 12/29 942) is not one of its groups.
        // The last group's gap is End or Other (NumericRun.GapAfter), never a separator: the walk stops there.
        int same = 1;
        while (run.GapAfter(same) == separator && !IsExpiryMonth(text, run, same + 1))
        {
            same++;
        }

        // Every group joined by the same separator belongs to the number: 4111 1111 1111 1111 1111 is not a card. The
        // digits and GroupsFit leave 3–5 groups: two hold at most 4 + 4 digits, six at least 4 + 4 × 4 + 1 = 21.
        int groups = same + 1;
        int digits = run.Digits(groups);
        return digits is >= 13 and <= 19 && GroupsFit(run, groups) && run.CanEndAfter(groups) && FifteenIsAmex(text, run, groups) && Luhn(text, run, groups)
            ? groups
            : 0;
    }

    /// <summary>Group <paramref name="group"/> is one or two digits followed by <c>/</c>: the month of an expiry date.</summary>
    private static bool IsExpiryMonth(ReadOnlySpan<byte> text, in NumericRun run, int group)
        => run.Length(group) <= 2 && run.End(group) < text.Length && text[run.End(group)] == '/';

    /// <summary>15-digit cards are American Express (34, 37); other 15-digit Luhn numbers are IMEIs and the like.</summary>
    private static bool FifteenIsAmex(ReadOnlySpan<byte> text, in NumericRun run, int groups)
    {
        if (run.Digits(groups) != 15)
        {
            return true;
        }

        int first = run.Start(0);
        return text[first] == '3' && text[first + 1] is (byte)'4' or (byte)'7';
    }

    private static bool GroupsFit(in NumericRun run, int groups)
    {
        if (groups == 3 && run.Length(1) == 6 && run.Length(2) is 4 or 5)
        {
            return true; // Amex 4-6-5, Diners 4-6-4
        }

        for (int g = 1; g < groups - 1; g++)
        {
            if (run.Length(g) != 4)
            {
                return false;
            }
        }

        return run.Length(groups - 1) is >= 1 and <= 4;
    }

    private static bool Luhn(ReadOnlySpan<byte> text, in NumericRun run, int groups)
        => Internal.PiiChecksums.Luhn(text[run.Start(0)..run.End(groups - 1)]);

    /// <summary>IPv4: four dot-separated decimal octets 0–255 without leading zeros, not followed by another dot and digit.</summary>
    private static int IPv4(ReadOnlySpan<byte> text, in NumericRun run)
    {
        if (run.Count < 4 || !run.CanEndAfter(4))
        {
            return 0;
        }

        for (int g = 0; g < 4; g++)
        {
            int length = run.Length(g);
            if (length > 3 || (length > 1 && text[run.Start(g)] == '0') || Number(text, run.Start(g), length) > 255
                || (g < 3 && run.GapAfter(g) != NumericGap.Dot))
            {
                return 0;
            }
        }

        return 4;
    }

    private static int Number(ReadOnlySpan<byte> text, int start, int length)
    {
        int value = 0;
        for (int i = start; i < start + length; i++)
        {
            value = (value * 10) + (text[i] - '0');
        }

        return value;
    }
}
