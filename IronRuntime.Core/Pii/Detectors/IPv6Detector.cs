using IronRuntime.Pii.Internal;

namespace IronRuntime.Pii.Detectors;

/// <summary>
/// IPv6 addresses, triggered by <c>:</c>: a run of hex digits, colons and dots at a word boundary that parses as eight
/// groups, or fewer with one <c>::</c>, optionally ending in a dotted IPv4; it must contain a decimal digit (so
/// <c>dead::beef</c> and C++ scopes are not addresses). Times and MAC addresses do not parse.
/// </summary>
internal sealed class IPv6Detector : PiiDetector
{
    /// <summary>
    /// The longest run looked at: the longest address text, 45 bytes (<c>ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255</c>,
    /// RFC 4291 §2.2 form 3), and one byte of sentence punctuation after it (<c>.</c> or <c>:</c>).
    /// </summary>
    private const int MaxRun = 46;

    public override IReadOnlyList<string> EntityTypes { get; } = [PiiEntityTypes.IpAddress];

    public override ReadOnlySpan<byte> Triggers => ":"u8;

    public override PiiCandidate Match(in ScanInput input, int floor, int trigger)
    {
        ReadOnlySpan<byte> text = input.Text;
        int start = trigger;
        // Stryker disable once Equality : the bound only stops the walk; a run that long is turned away either way, by the run byte left before it or by the forward cap below (the trigger is itself a run byte).
        while (start > floor && IsRunByte(text[start - 1]) && trigger - start <= MaxRun)
        {
            start--;
        }

        // A run longer than MaxRun before the trigger is turned away by the forward cap: the walk forward starts at the trigger, a run byte.
        if (IsRunByte(input.At(start - 1)) || input.IsWordBefore(start))
        {
            return PiiCandidate.None;
        }

        int end = trigger;
        while (end < text.Length && IsRunByte(text[end]) && end - start <= MaxRun)
        {
            end++;
        }

        if (end - start > MaxRun)
        {
            return PiiCandidate.None;
        }

        if (end == text.Length && !input.IsFinal)
        {
            return PiiCandidate.NeedMore(start, PiiEntityTypes.IpAddress);
        }

        if (input.IsWordAt(end))
        {
            return PiiCandidate.None;
        }

        // A sentence may end right after the address.
        while (end > start && (text[end - 1] == '.' || (text[end - 1] == ':' && end - 2 >= start && text[end - 2] != ':')))
        {
            end--;
        }

        return IsAddress(text[start..end]) ? PiiCandidate.Match(start, end, PiiEntityTypes.IpAddress, PiiConfidence.IpAddress) : PiiCandidate.None;
    }

    public override int TailHold(in ScanInput input, int floor)
    {
        ReadOnlySpan<byte> text = input.Text;
        int s = text.Length;
        // Stryker disable once Equality : the bound only stops the walk; a tail one byte longer is released either way, by the run byte left before it or by the length check below.
        while (s > floor && IsRunByte(text[s - 1]) && text.Length - s <= MaxRun)
        {
            s--;
        }

        return s < text.Length && text.Length - s <= MaxRun && !IsRunByte(input.At(s - 1)) && !input.IsWordBefore(s) ? s : text.Length;
    }

    internal static bool IsAddress(ReadOnlySpan<byte> s)
    {
        if (s.IndexOfAnyInRange((byte)'0', (byte)'9') < 0)
        {
            return false;
        }

        int compressed = s.IndexOf("::"u8);
        // Stryker disable once Equality : a "::" right after the first is ":::", whose empty group the loop below turns away.
        if (compressed >= 0 && s[(compressed + 1)..].IndexOf("::"u8) >= 0)
        {
            return false;
        }

        int groups = 0;
        int i = 0;
        if (compressed == 0)
        {
            i = 2; // "::" alone has no digit: turned away above.
        }
        else if (s[0] == ':')
        {
            return false;
        }

        // Every pass ends at the end of the text (break), or with i before it; a group that starts at the end is empty (false).
        while (true)
        {
            int groupStart = i;
            while (i < s.Length && PiiAscii.Is(s[i], PiiAscii.Hex))
            {
                i++;
            }

            if (i < s.Length && s[i] == '.')
            {
                // An IPv4 tail: the rest must be a dotted quad, worth two groups.
                if (!IsDottedQuad(s[groupStart..]))
                {
                    return false;
                }

                groups += 2;
                i = s.Length;
                break;
            }

            int length = i - groupStart;
            if (length is 0 or > 4)
            {
                return false;
            }

            groups++;
            if (i == s.Length)
            {
                break;
            }

            // s[i] == ':'
            i++;
            if (i < s.Length && s[i] == ':')
            {
                i++;
                if (i == s.Length)
                {
                    break; // trailing "::"
                }
            }
            else if (i == s.Length)
            {
                return false; // trailing single ':'
            }
        }

        return compressed >= 0 ? groups <= 7 : groups == 8;
    }

    private static bool IsDottedQuad(ReadOnlySpan<byte> s)
    {
        int parts = 0;
        foreach (Range range in s.Split((byte)'.'))
        {
            ReadOnlySpan<byte> part = s[range];
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0'))
            {
                return false;
            }

            int value = 0;
            foreach (byte b in part)
            {
                if (!PiiAscii.IsDigit(b))
                {
                    return false;
                }

                value = (value * 10) + (b - '0');
            }

            if (value > 255)
            {
                return false;
            }

            parts++;
        }

        return parts == 4;
    }

    private static bool IsRunByte(int b) => PiiAscii.Is(b, PiiAscii.Hex) || b is ':' or '.';
}
