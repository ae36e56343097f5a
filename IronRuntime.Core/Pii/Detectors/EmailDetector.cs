using IronRuntime.Pii.Internal;

namespace IronRuntime.Pii.Detectors;

/// <summary>
/// E-mail addresses, triggered by <c>@</c>: a local part of <c>[A-Za-z0-9._%+-]</c> and letters of the Latin, Greek
/// and Cyrillic scripts (RFC 6531; 1–64 bytes, no leading, trailing or doubled dot) not preceded by another local-part
/// character, and a domain of at least two labels ending in an alphabetic TLD.
/// </summary>
/// <remarks>
/// CJK, Arabic and other scripts written without spaces end a local part like punctuation does, so <c>邮箱john@x.cn</c>
/// finds <c>john@x.cn</c>.
/// </remarks>
internal sealed class EmailDetector : PiiDetector
{
    private const int MaxLocal = 64;
    private const int MaxDomain = 253;

    public override IReadOnlyList<string> EntityTypes { get; } = [PiiEntityTypes.Email];

    public override ReadOnlySpan<byte> Triggers => "@"u8;

    public override PiiCandidate Match(in ScanInput input, int floor, int trigger)
    {
        ReadOnlySpan<byte> text = input.Text;
        int run = LocalRunStart(input, floor, trigger);
        if (run == trigger || trigger - run > MaxLocal || IsLocalBefore(input, run) || IsUrlUserInfo(input, run))
        {
            return PiiCandidate.None;
        }

        // Leading dots are punctuation before the address; the '@' at the trigger stops the loop at the latest.
        int start = run;
        while (text[start] == '.')
        {
            start++;
        }

        if (start == trigger || text[trigger - 1] == '.')
        {
            return PiiCandidate.None;
        }

        // Stryker disable once Equality : text[start] is no dot (the loop above skipped them), so ".." is never found at 0.
        if (text[start..trigger].IndexOf(".."u8) >= 0)
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

        // Trailing dots and hyphens end a sentence, not the domain; the '@' before the domain stops the loop at the latest.
        while (text[end - 1] is (byte)'.' or (byte)'-')
        {
            end--;
        }

        return IsDomain(text[domainStart..end]) && !IsScaledImageName(text[domainStart..end]) ? PiiCandidate.Match(start, end, PiiEntityTypes.Email, PiiConfidence.Email) : PiiCandidate.None;
    }

    public override int TailHold(in ScanInput input, int floor)
    {
        int s = LocalRunStart(input, floor, input.Length);
        return input.Length - s > MaxLocal || IsLocalBefore(input, s) ? input.Length : s;
    }

    /// <summary>The start of the run of local-part characters that ends at <paramref name="end"/> (not before <paramref name="floor"/>; at most a little past <see cref="MaxLocal"/> bytes).</summary>
    private static int LocalRunStart(in ScanInput input, int floor, int end)
    {
        ReadOnlySpan<byte> text = input.Text;
        int run = end;
        while (run > floor)
        {
            // Stryker disable once Equality,Statement,Block : a cap on the work only: a run past MaxLocal is refused whether read to its start or stopped here (or at MaxLocal, by IsLocalBefore).
            if (end - run > MaxLocal)
            {
                break;
            }

            byte b = text[run - 1];
            if (b < 0x80)
            {
                if (!PiiAscii.Is(b, PiiAscii.EmailLocal))
                {
                    break;
                }

                run--;
            }
            else if (System.Text.Rune.DecodeLastFromUtf8(text[floor..run], out System.Text.Rune rune, out int length) == System.Buffers.OperationStatus.Done && IsLocalLetter(rune))
            {
                run -= length;
            }
            else
            {
                break;
            }
        }

        return run;
    }

    /// <summary>The user of a URL (<c>https://abc@o1.ingest.sentry.io</c>, <c>postgres://app@db</c>): after <c>://</c>.</summary>
    private static bool IsUrlUserInfo(in ScanInput input, int run)
    {
        if (input.At(run - 1) == '/' && input.At(run - 2) == '/' && input.At(run - 3) == ':')
        {
            return true;
        }

        // scheme://user:password@host: the password's detector takes it.
        return input.At(run - 1) == ':' && UrlPasswordDetector.AfterScheme(input, UrlPasswordDetector.PartStart(input, run - 1));
    }

    /// <summary>An image at a pixel density (<c>icon@2x.png</c>): a "domain" of a density label and an extension.</summary>
    private static bool IsScaledImageName(ReadOnlySpan<byte> domain)
        => domain is [var density, (byte)'x' or (byte)'X', (byte)'.', _, ..] && PiiAscii.IsDigit(density) && !domain[3..].Contains((byte)'.');

    private static bool IsLocalBefore(in ScanInput input, int index)
    {
        int b = input.At(index - 1);
        return b < 0x80 ? PiiAscii.Is(b, PiiAscii.EmailLocal) : input.TryRuneBefore(index, out System.Text.Rune rune, out _) && IsLocalLetter(rune);
    }

    /// <summary>Latin (with its combining marks), Greek and Cyrillic letters.</summary>
    private static bool IsLocalLetter(System.Text.Rune rune) => rune.Value is (>= 0xC0 and <= 0x24F and not 0xD7 and not 0xF7) or (>= 0x300 and <= 0x4FF);

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
            if (label.Length == domain.Length)
            {
                // No dot after the label: the TLD, letters only, at least two.
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
