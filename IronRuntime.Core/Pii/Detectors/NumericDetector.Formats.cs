namespace IronRuntime.Pii.Detectors;

internal sealed partial class NumericDetector
{
    /// <summary>
    /// US SSN: 3-2-4 digits joined by dashes or spaces, or nine bare digits right after a label (<c>SSN: 578611004</c>);
    /// area not 000, 666 or 900–999, group not 00, serial not 0000.
    /// </summary>
    private static int Ssn(in Internal.ScanInput input, in NumericRun run)
    {
        ReadOnlySpan<byte> text = input.Text;
        if (!run.Plus && !run.OpenParen && run.Length(0) == 9 && run.CanEndAfter(1) && Internal.PiiLabels.Precedes(input, run.Start(0), Internal.PiiLabels.Ssn))
        {
            int bareArea = Number(text, run.Start(0), 3);
            return bareArea is 0 or 666 or >= 900 || Number(text, run.Start(0) + 3, 2) == 0 || Number(text, run.Start(0) + 5, 4) == 0 ? 0 : 1;
        }

        if (run.Plus || run.Count < 3 || run.Length(0) != 3 || run.Length(1) != 2 || run.Length(2) != 4
            || run.GapAfter(0) != run.GapAfter(1) || run.GapAfter(0) is not (NumericGap.Dash or NumericGap.Space) || !run.CanEndAfter(3))
        {
            return 0;
        }

        int area = Number(text, run.Start(0), 3);
        int group = Number(text, run.Start(1), 2);
        int serial = Number(text, run.Start(2), 4);
        return area is 0 or 666 or >= 900 || group == 0 || serial == 0 ? 0 : 3;
    }

    /// <summary>
    /// Payment card: 13–19 digits passing Luhn with a plausible first digit (2–6), written as one run or in groups of
    /// four (the last 1–4) or 4-6-5 / 4-6-4, joined by one kind of separator (space or dash). Longest first.
    /// </summary>
    private static int Card(ReadOnlySpan<byte> text, in NumericRun run)
    {
        if (run.Plus || text[run.Start(0)] is < (byte)'2' or > (byte)'6')
        {
            return 0;
        }

        if (run.Length(0) >= 13)
        {
            return run.Length(0) <= 19 && run.CanEndAfter(1) && FifteenIsAmex(text, run, 1) && Luhn(text, run, 1) ? 1 : 0;
        }

        if (run.Length(0) != 4 || run.Count < 2)
        {
            return 0;
        }

        NumericGap separator = run.GapAfter(0);
        if (separator is not (NumericGap.Space or NumericGap.Dash))
        {
            return 0;
        }

        // An expiry month after the number (4772 1851 8222 2544 12/29 942) is not one of its groups.
        int same = 1;
        while (same < run.Count - 1 && run.GapAfter(same) == separator && !IsExpiryMonth(text, run, same + 1))
        {
            same++;
        }

        // Every group joined by the same separator belongs to the number: 4111 1111 1111 1111 1111 is not a card.
        int groups = same + 1;
        int digits = run.Digits(groups);
        return groups is >= 3 and <= 6 && digits is >= 13 and <= 19 && GroupsFit(run, groups) && run.CanEndAfter(groups) && FifteenIsAmex(text, run, groups) && Luhn(text, run, groups)
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

    /// <summary>
    /// Phone: international (<c>+</c> or <c>00</c>, then 8–15 digits in groups), North American (optional 1, area code
    /// bare or in parentheses, 3-3-4, area code and exchange starting 2–9), national formats with a trunk prefix
    /// (<see cref="National"/>), and after a phone label any 2+ groups of 7–12 digits. Bare digit runs are not phones
    /// (order numbers).
    /// </summary>
    private static int Phone(in Internal.ScanInput input, in NumericRun run)
    {
        ReadOnlySpan<byte> text = input.Text;
        if (run.Plus)
        {
            return International(text, run, 0);
        }

        int first = run.Start(0);
        if (!run.OpenParen && run.Length(0) >= 3 && text[first] == '0' && text[first + 1] == '0' && text[first + 2] != '0')
        {
            int international = International(text, run, 2);
            if (international > 0)
            {
                return international;
            }
        }

        int best = Math.Max(NorthAmerican(text, run), National(text, run));
        if (best == 0 && run.Count >= 2 && Internal.PiiLabels.Precedes(input, run.OpenParen ? first - 1 : first, Internal.PiiLabels.Phone))
        {
            best = Labeled(run);
        }

        return best;
    }

    /// <summary>After the international prefix (<c>+</c>, or <paramref name="skip"/> = 2 for <c>00</c>): 8–15 digits, the country code not starting with 0.</summary>
    private static int International(ReadOnlySpan<byte> text, in NumericRun run, int skip)
    {
        if (text[run.Start(0) + (run.Length(0) > skip ? skip : 0)] == '0' && (skip == 0 || run.Length(0) > skip))
        {
            return 0;
        }

        int best = 0;
        int digits = -skip;
        for (int g = 0; g < run.Count; g++)
        {
            if (run.Length(g) > 8 && run.Count > 1)
            {
                break;
            }

            digits += run.Length(g);
            if (digits > 15)
            {
                break;
            }

            if (digits >= 8 && run.CanEndAfter(g + 1))
            {
                best = g + 1;
            }

            if (g + 1 < run.Count && run.GapAfter(g) is NumericGap.Other or NumericGap.End)
            {
                break;
            }
        }

        return best;
    }

    /// <summary>
    /// National formats (lengths and prefixes after libphonenumber's metadata): a trunk prefix 0 and an area code of
    /// 2–5 digits, bare or in parentheses (<c>(030) 853614</c>, <c>04 396 8156</c>, <c>020 7946 0958</c>,
    /// <c>03-1234-5678</c>), 9–12 digits in all; a two-digit area code in parentheses (<c>(11) 91234-5678</c>);
    /// Russia's trunk 8 (<c>8 (495) 123-45-67</c>, 11 digits); Chinese mobiles 1[3-9]x 4 4.
    /// </summary>
    private static int National(ReadOnlySpan<byte> text, in NumericRun run)
    {
        int first = run.Start(0);
        bool paren = run.OpenParen && run.GapAfter(0) == NumericGap.ParenClose;
        int minDigits = 9;
        int maxDigits = 12;
        if (text[first] == '0')
        {
            if (run.Length(0) is < 2 or > 5 || text[first + 1] == '0')
            {
                return 0;
            }
        }
        else if (paren)
        {
            if (run.Length(0) != 2)
            {
                return 0;
            }
        }
        else if (run.Length(0) == 3 && text[first] == '1' && text[first + 1] >= '3')
        {
            bool same = run.Count >= 3 && run.GapAfter(0) is NumericGap.Space or NumericGap.Dash && run.GapAfter(1) == run.GapAfter(0);
            return same && run.Length(1) == 4 && run.Length(2) == 4 && run.CanEndAfter(3) ? 3 : 0;
        }
        else if (run.Length(0) == 1 && text[first] == '8' && run.Count >= 3 && run.GapAfter(0) == NumericGap.ParenOpen)
        {
            minDigits = maxDigits = 11;
        }
        else
        {
            return 0;
        }

        int digits = run.Length(0);
        int best = 0;
        NumericGap separator = NumericGap.End;
        for (int g = 1; g < run.Count; g++)
        {
            NumericGap gap = run.GapAfter(g - 1);
            bool gapOk = g == 1 && (paren || minDigits == 11)
                ? gap is NumericGap.ParenClose or NumericGap.ParenOpen
                : gap is NumericGap.Space or NumericGap.Dash or NumericGap.Dot || (g == 2 && minDigits == 11 && gap == NumericGap.ParenClose);
            if (g >= 2 && gap != NumericGap.ParenClose)
            {
                gapOk &= separator == NumericGap.End || gap == separator;
                separator = gap;
            }

            if (!gapOk || run.Length(g) is < 2 or > 8)
            {
                break;
            }

            digits += run.Length(g);
            if (digits > maxDigits)
            {
                break;
            }

            if (digits >= minDigits && run.CanEndAfter(g + 1))
            {
                best = g + 1;
            }
        }

        return best;
    }

    /// <summary>After a phone label: 2+ groups of 2–5 digits (spaces, dashes, dots, an area code in parentheses), 7–12 digits.</summary>
    private static int Labeled(in NumericRun run)
    {
        int digits = 0;
        int best = 0;
        for (int g = 0; g < run.Count; g++)
        {
            if (run.Length(g) is < 2 or > 5 || (g > 0 && run.GapAfter(g - 1) is NumericGap.Other or NumericGap.End))
            {
                break;
            }

            digits += run.Length(g);
            if (digits > 12)
            {
                break;
            }

            if (g > 0 && digits >= 7 && run.CanEndAfter(g + 1))
            {
                best = g + 1;
            }
        }

        return best;
    }

    /// <summary>North American: optional 1, area code (bare or in parentheses), exchange and line (3-3-4) with separators, area code and exchange starting 2–9.</summary>
    private static int NorthAmerican(ReadOnlySpan<byte> text, in NumericRun run)
    {
        bool areaInParens = run.OpenParen && run.GapAfter(0) == NumericGap.ParenClose;
        int area = 0;
        if (!areaInParens && run.Count >= 4 && run.Length(0) == 1 && text[run.Start(0)] == '1'
            && run.GapAfter(0) is NumericGap.Space or NumericGap.Dash or NumericGap.Dot or NumericGap.ParenOpen)
        {
            area = 1;
        }

        if (run.Count < area + 3 || run.Length(area) != 3 || run.Length(area + 1) != 3 || run.Length(area + 2) != 4
            || text[run.Start(area)] < '2' || text[run.Start(area + 1)] < '2')
        {
            return 0;
        }

        bool parenthesised = area == 0 ? areaInParens : run.GapAfter(0) == NumericGap.ParenOpen;
        NumericGap first = run.GapAfter(area);
        bool firstOk = parenthesised ? first == NumericGap.ParenClose : first is NumericGap.Space or NumericGap.Dash or NumericGap.Dot;
        bool secondOk = run.GapAfter(area + 1) is NumericGap.Space or NumericGap.Dash or NumericGap.Dot;
        return firstOk && secondOk && run.CanEndAfter(area + 3) ? area + 3 : 0;
    }

    /// <summary>IPv4: four dot-separated decimal octets 0–255 without leading zeros, not followed by another dot and digit.</summary>
    private static int IPv4(ReadOnlySpan<byte> text, in NumericRun run)
    {
        if (run.Plus || run.Count < 4 || !run.CanEndAfter(4))
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
