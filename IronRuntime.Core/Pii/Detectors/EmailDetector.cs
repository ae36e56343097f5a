using IronRuntime.Pii.Internal;

namespace IronRuntime.Pii.Detectors;

/// <summary>
/// E-mail addresses, triggered by <c>@</c>: a local part of <c>[A-Za-z0-9._%+-]</c> (1–64, no leading, trailing or
/// doubled dot) at a word boundary, and a domain of at least two labels ending in an alphabetic TLD.
/// </summary>
internal sealed class EmailDetector : PiiDetector
{
    private const int MaxLocal = 64;
    private const int MaxDomain = 253;

    public override IReadOnlyList<string> EntityTypes { get; } = [PiiEntityTypes.Email];

    public override ReadOnlySpan<byte> Triggers => "@"u8;

    public override PiiCandidate Match(in ScanInput input, int floor, int trigger)
    {
        ReadOnlySpan<byte> text = input.Text;
        int run = trigger;
        while (run > floor && PiiAscii.Is(text[run - 1], PiiAscii.EmailLocal))
        {
            run--;
        }

        if (run == trigger || trigger - run > MaxLocal || PiiAscii.Is(input.At(run - 1), PiiAscii.EmailLocal))
        {
            return PiiCandidate.None;
        }

        int start = run;
        while (start < trigger && text[start] == '.')
        {
            start++;
        }

        if (start == trigger || text[trigger - 1] == '.' || text[start..trigger].IndexOf(".."u8) >= 0)
        {
            return PiiCandidate.None;
        }

        int domainStart = trigger + 1;
        int end = domainStart;
        while (end < text.Length && PiiAscii.Is(text[end], PiiAscii.Domain))
        {
            end++;
        }

        if (end == text.Length && !input.IsFinal)
        {
            // The domain may go on; hold from the run's start so that the rescan sees the same boundary.
            return end - domainStart > MaxDomain ? PiiCandidate.None : PiiCandidate.NeedMore(run, PiiEntityTypes.Email);
        }

        while (end > domainStart && text[end - 1] is (byte)'.' or (byte)'-')
        {
            end--;
        }

        return IsDomain(text[domainStart..end]) ? PiiCandidate.Match(start, end, PiiEntityTypes.Email) : PiiCandidate.None;
    }

    public override int TailHold(in ScanInput input, int floor) => TrailingRun(input, floor, PiiAscii.EmailLocal, MaxLocal);

    private static bool IsDomain(ReadOnlySpan<byte> domain)
    {
        if (domain.Length is < 4 or > MaxDomain)
        {
            return false;
        }

        int labels = 0;
        while (true)
        {
            int dot = domain.IndexOf((byte)'.');
            ReadOnlySpan<byte> label = dot < 0 ? domain : domain[..dot];
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            labels++;
            if (dot < 0)
            {
                // The TLD: letters only, at least two.
                if (label.Length < 2)
                {
                    return false;
                }

                foreach (byte b in label)
                {
                    if (!PiiAscii.Is(b, PiiAscii.Upper | PiiAscii.Lower))
                    {
                        return false;
                    }
                }

                return labels >= 2;
            }

            domain = domain[(dot + 1)..];
        }
    }
}
