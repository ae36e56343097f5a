using IronRuntime.Pii.Internal;

namespace IronRuntime.Pii.Detectors;

internal sealed partial class NumericDetector
{
    /// <summary>
    /// Phone: international (<c>+</c> or <c>00</c>, then the country code and a national number whose leading digit and
    /// length fit libphonenumber's metadata (<see cref="PhoneRegions"/>), or 8–15 digits for a country outside the
    /// table), North American (optional 1, area code bare or in parentheses, 3-3-4, area code and exchange starting
    /// 2–9), national formats with a trunk prefix (<see cref="National"/>), and 2+ groups of 7–12 digits, which score
    /// <see cref="PiiConfidence.PhoneGroupsOnly"/> and pass the default threshold only after a phone label. Bare digit
    /// runs are not phones (order numbers).
    /// </summary>
    private static int Phone(in ScanInput input, in NumericRun run, out double confidence)
    {
        ReadOnlySpan<byte> text = input.Text;
        int first = run.Start(0);
        int best;
        if (run.Plus)
        {
            best = International(text, run, 0, out confidence);
        }
        else
        {
            best = 0;
            confidence = 0;
            if (!run.OpenParen && run.Length(0) >= 3 && text[first] == '0' && text[first + 1] == '0' && text[first + 2] != '0')
            {
                best = International(text, run, 2, out confidence);
            }

            if (best == 0)
            {
                int northAmerican = NorthAmerican(text, run);
                int national = National(text, run);
                best = Math.Max(northAmerican, national);
                // The two never both match: a 3-digit area code 2-9 against a trunk 0 or 8, a 2-digit area code or 1[3-9]x.
                confidence = national == 0 ? PiiConfidence.PhoneNorthAmerican : PiiConfidence.PhoneNational;
            }

            if (best == 0 && run.Count >= 2)
            {
                best = Labeled(run);
                confidence = PiiConfidence.PhoneGroupsOnly;
            }
        }

        if (best != 0 && PiiLabels.Precedes(input, run.Plus || run.OpenParen ? first - 1 : first, PiiLabels.Phone))
        {
            confidence = PiiConfidence.WithLabel(confidence);
        }

        return best;
    }

    /// <summary>
    /// After the international prefix (<c>+</c>, or <paramref name="skip"/> = 2 for <c>00</c>): the longest run of groups
    /// that is a valid number of its country (<see cref="PhoneRegions"/>), or of 8–15 digits when the country code is
    /// not in the table; the country code does not start with 0.
    /// </summary>
    private static int International(ReadOnlySpan<byte> text, in NumericRun run, int skip, out double confidence)
    {
        confidence = 0;
        // After "00" the caller has checked that the third digit is not 0.
        if (skip == 0 && text[run.Start(0)] == '0')
        {
            return 0;
        }

        Span<byte> digits = stackalloc byte[16];
        int count = 0;
        int best = 0;
        for (int g = 0; g < run.Count; g++)
        {
            // One long group is the whole number ("+4930123456789") or its national number ("+1 2015550123"); later groups are short.
            if (run.Length(g) > 8 && g > 1)
            {
                break;
            }

            ReadOnlySpan<byte> group = text.Slice(run.Start(g), run.Length(g));
            if (g == 0)
            {
                group = group[Math.Min(skip, group.Length)..];
            }

            if (count + group.Length > 15)
            {
                break;
            }

            group.CopyTo(digits[count..]);
            count += group.Length;
            if (count >= 7 && run.CanEndAfter(g + 1))
            {
                if (PhoneRegions.TryCheckInternational(digits[..count], out bool valid))
                {
                    if (valid)
                    {
                        best = g + 1;
                        confidence = PiiConfidence.PhoneInternational;
                    }
                }
                else if (count >= 8)
                {
                    best = g + 1;
                    confidence = PiiConfidence.PhoneInternationalOther;
                }
            }
        }

        return best;
    }

    /// <summary>
    /// National formats: a trunk prefix 0 and an area code of 2–5 digits, bare or in parentheses (<c>(030) 853614</c>,
    /// <c>04 396 8156</c>, <c>020 7946 0958</c>, <c>03-1234-5678</c>), 9–12 digits in all, whose national number (after
    /// the 0) has a leading digit and length some trunk-0 country of <see cref="PhoneRegions"/> accepts; a two-digit area
    /// code in parentheses (<c>(11) 91234-5678</c>, Brazil and Mexico, 10–11 digits); Russia's trunk 8
    /// (<c>8 (495) 123-45-67</c>, a 10-digit national number starting 3, 4, 8 or 9); Chinese mobiles 1[3-9]x 4 4.
    /// </summary>
    private static int National(ReadOnlySpan<byte> text, in NumericRun run)
    {
        int first = run.Start(0);
        bool paren = run.OpenParen && run.GapAfter(0) == NumericGap.ParenClose;
        int minDigits = 9;
        int maxDigits = 12;
        char trunk = '0';
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

            trunk = ' ';
            minDigits = 10;
            maxDigits = 11;
        }
        else if (run.Length(0) == 3 && text[first] == '1' && text[first + 1] >= '3')
        {
            bool same = run.Count >= 3 && run.GapAfter(0) is NumericGap.Space or NumericGap.Dash && run.GapAfter(1) == run.GapAfter(0);
            return same && run.Length(1) == 4 && run.Length(2) == 4 && run.CanEndAfter(3) ? 3 : 0;
        }
        else if (run.Length(0) == 1 && text[first] == '8' && run.Count >= 3 && run.GapAfter(0) == NumericGap.ParenOpen)
        {
            minDigits = maxDigits = 11;
            trunk = '8';
        }
        else
        {
            return 0;
        }

        Span<byte> digits = stackalloc byte[16];
        text.Slice(first, run.Length(0)).CopyTo(digits);
        int count = run.Length(0);
        int best = 0;
        NumericGap separator = NumericGap.End;
        for (int g = 1; g < run.Count; g++)
        {
            NumericGap gap = run.GapAfter(g - 1);
            bool gapOk = g == 1 && (paren || trunk == '8')
                ? gap is NumericGap.ParenClose or NumericGap.ParenOpen
                : gap is NumericGap.Space or NumericGap.Dash or NumericGap.Dot || gap == NumericGap.ParenClose; // ")" only after trunk 8's "(495"
            if (g >= 2 && gap != NumericGap.ParenClose)
            {
                gapOk &= separator == NumericGap.End || gap == separator;
                separator = gap;
            }

            if (!gapOk || run.Length(g) is < 2 or > 8 || count + run.Length(g) > maxDigits)
            {
                break;
            }

            text.Slice(run.Start(g), run.Length(g)).CopyTo(digits[count..]);
            count += run.Length(g);
            if (count >= minDigits && run.CanEndAfter(g + 1) && NationalNumberFits(trunk, digits[..count]))
            {
                best = g + 1;
            }
        }

        return best;
    }

    /// <summary>The national number after the trunk prefix fits the table; without a trunk (Brazil, Mexico) the whole.</summary>
    private static bool NationalNumberFits(char trunk, ReadOnlySpan<byte> digits)
    {
        if (trunk == ' ')
        {
            // "(11) 91234-5678": Brazil (+55) or Mexico (+52) written without their trunk prefix.
            Span<byte> withCode = stackalloc byte[digits.Length + 2];
            digits.CopyTo(withCode[2..]);
            withCode[0] = (byte)'5';
            withCode[1] = (byte)'5';
            // Stryker disable once Logical : both true here: 55 is in the table and BR takes 10-11 digits led by 1-9, all this branch passes
            bool brazil = PhoneRegions.TryCheckInternational(withCode, out bool valid) && valid;
            withCode[1] = (byte)'2';
            return brazil || (PhoneRegions.TryCheckInternational(withCode, out valid) && valid);
        }

        return PhoneRegions.IsNational(trunk, digits[1..]);
    }

    /// <summary>2+ groups of 2–5 digits (spaces, dashes, dots, an area code in parentheses), 7–12 digits: a phone number after a phone label.</summary>
    private static int Labeled(in NumericRun run)
    {
        int digits = 0;
        int best = 0;
        for (int g = 0; g < run.Count; g++)
        {
            if (run.Length(g) is < 2 or > 5)
            {
                break;
            }

            digits += run.Length(g);
            if (digits > 12)
            {
                break;
            }

            if (digits >= 7 && run.CanEndAfter(g + 1))
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
        if (run.Length(0) == 1 && text[run.Start(0)] == '1' && run.GapAfter(0) is NumericGap.Space or NumericGap.Dash or NumericGap.Dot or NumericGap.ParenOpen)
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
}
