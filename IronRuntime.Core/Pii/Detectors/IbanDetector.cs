using IronRuntime.Pii.Internal;

namespace IronRuntime.Pii.Detectors;

/// <summary>
/// IBANs, triggered by the first check digit: two capital letters of a country that uses IBAN at a word boundary, two
/// digits, then exactly the country's length of capitals and digits, compact or in groups of four separated by single
/// spaces, passing ISO 7064 mod 97-10.
/// </summary>
internal sealed class IbanDetector : PiiDetector
{
    public override IReadOnlyList<string> EntityTypes { get; } = [PiiEntityTypes.Iban];

    public override ReadOnlySpan<byte> Triggers => "0123456789"u8;

    public override PiiCandidate Match(in ScanInput input, int floor, int trigger)
    {
        ReadOnlySpan<byte> text = input.Text;
        int start = trigger - 2;
        if (start < floor || !PiiAscii.IsUpper(text[start]) || !PiiAscii.IsUpper(text[start + 1]) || input.IsWordBefore(start))
        {
            return PiiCandidate.None;
        }

        int length = IbanCountries.Length(text[start], text[start + 1]);
        if (length == 0)
        {
            return PiiCandidate.None;
        }

        int p = trigger;
        int count = 2;
        bool spaced = false;
        while (count < length)
        {
            if (p == text.Length)
            {
                return PiiCandidate.NeedMoreOrNone(input, start, PiiEntityTypes.Iban);
            }

            byte b = text[p];
            if (count == 4 && b == ' ')
            {
                spaced = true;
            }

            if (b == ' ' && spaced && count % 4 == 0 && p > 0 && text[p - 1] != ' ')
            {
                p++;
                continue;
            }

            bool ok = count < 4 ? PiiAscii.IsDigit(b) : PiiAscii.Is(b, PiiAscii.Digit | PiiAscii.Upper);
            if (!ok)
            {
                return PiiCandidate.None;
            }

            count++;
            p++;
        }

        if (p == text.Length && !input.IsFinal)
        {
            return PiiCandidate.NeedMore(start, PiiEntityTypes.Iban);
        }

        if (input.IsWordAt(p))
        {
            return PiiCandidate.None;
        }

        return PiiChecksums.IbanMod97(text[start..p]) ? PiiCandidate.Match(start, p, PiiEntityTypes.Iban) : PiiCandidate.None;
    }

    public override int TailHold(in ScanInput input, int floor)
    {
        ReadOnlySpan<byte> text = input.Text;
        int s = text.Length;
        while (s > floor && text.Length - s < 2 && PiiAscii.IsUpper(text[s - 1]))
        {
            s--;
        }

        return s < text.Length && !input.IsWordBefore(s) ? s : text.Length;
    }
}
