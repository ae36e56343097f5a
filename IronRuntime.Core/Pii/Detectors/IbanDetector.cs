using IronRuntime.Pii.Internal;

namespace IronRuntime.Pii.Detectors;

/// <summary>
/// IBANs, triggered by the first check digit: two letters of a country that uses IBAN at a word boundary, two
/// digits, then exactly the country's length of letters and digits, compact or in groups of four separated by single
/// spaces, passing ISO 7064 mod 97-10. Letters may be lowercase (<c>fr7630006000011234567890189</c>).
/// </summary>
internal sealed class IbanDetector : PiiDetector
{
    public override IReadOnlyList<string> EntityTypes { get; } = [PiiEntityTypes.Iban];

    public override ReadOnlySpan<byte> Triggers => "0123456789"u8;

    public override PiiCandidate Match(in ScanInput input, int floor, int trigger)
    {
        ReadOnlySpan<byte> text = input.Text;
        int start = trigger - 2;
        if (start < floor || !PiiAscii.Is(text[start], PiiAscii.Upper | PiiAscii.Lower) || !PiiAscii.Is(text[start + 1], PiiAscii.Upper | PiiAscii.Lower) || input.IsWordBefore(start))
        {
            return PiiCandidate.None;
        }

        int length = IbanCountries.Length((byte)(text[start] & ~0x20), (byte)(text[start + 1] & ~0x20));

        // Stryker disable once Block : only a shortcut; with length 0 the loop below never runs and the trigger, a digit, is a word character at p, so None.
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

            if (b == ' ' && spaced && count % 4 == 0 && text[p - 1] != ' ')
            {
                p++;
                continue;
            }

            bool ok = count < 4 ? PiiAscii.IsDigit(b) : PiiAscii.Is(b, PiiAscii.Digit | PiiAscii.Upper | PiiAscii.Lower);
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
        while (s > floor && text.Length - s < 2 && PiiAscii.Is(text[s - 1], PiiAscii.Upper | PiiAscii.Lower))
        {
            s--;
        }

        return !input.IsWordBefore(s) ? s : text.Length;
    }
}
