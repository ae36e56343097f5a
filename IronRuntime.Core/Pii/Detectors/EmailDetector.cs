using IronRuntime.Pii.Internal;

namespace IronRuntime.Pii.Detectors;

/// <summary>
/// E-mail addresses, triggered by <c>@</c>: a local part of RFC 5322 atext (<c>[A-Za-z0-9!#$%&amp;'*+/=?^_`{|}~-]</c>
/// less the URL and query delimiters <c>/ ? # = &amp;</c>) and letters of the Latin, Greek and Cyrillic scripts (RFC 6531;
/// 1–64 bytes, no leading, trailing or doubled dot) not preceded by another local-part character, and a domain of at
/// least two labels ending in an alphabetic TLD.
/// </summary>
/// <remarks>
/// <para>
/// CJK, Arabic and other scripts written without spaces end a local part like punctuation does, so <c>邮箱john@x.cn</c>
/// finds <c>john@x.cn</c>. The atext symbols <c>! $ ' * ^ ` { | } ~</c> belong to the address inside it
/// (<c>a!john@example.com</c>, <c>o'brien@example.com</c> are whole addresses) and are punctuation before it
/// (<c>'john@example.com'</c>, <c>**john@example.com**</c>); before the <c>@</c> they end no address
/// (<c>{name}@example.com</c> is a template). A URL's user (<c>https://abc@o1.ingest.sentry.io</c>) is no address
/// unless it holds one of these symbols (<c>https://a!john@example.com</c>): service names and keys do not.
/// <c>/ ? # = &amp;</c> stay delimiters: <c>?email=john@example.com</c>, <c>https://example.com/u/john@example.com</c>
/// find <c>john@example.com</c>.
/// </para>
/// <para>
/// A run of local-part characters that began in text already decided (a value found right before it,
/// <c>123-45-6789!john@example.com</c>) or that is longer than a local part is read from after its first punctuation
/// character within 64 bytes of its end, whole text and streamed alike.
/// </para>
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
        int start = run == trigger ? -1 : LocalPartStart(input, run, trigger);
        if (start < 0)
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
        if (input.Length - s <= MaxLocal && !IsLocalBefore(input, s))
        {
            return s;
        }

        // Read as Match reads it once the '@' comes: from after the run's first punctuation within a local part's length.
        int after = AfterFirstPunctuation(input, s - 1, input.Length);
        return after < 0 ? input.Length : after;
    }

    /// <summary>
    /// The first byte of the address whose local part ends at <paramref name="trigger"/> (the run of local-part
    /// characters from <paramref name="run"/>), or -1: the run itself when it is whole and no URL's user, else the part
    /// after its first punctuation character; leading dots and atext symbols are punctuation before the address.
    /// </summary>
    private static int LocalPartStart(in ScanInput input, int run, int trigger)
    {
        int start;
        if (trigger - run <= MaxLocal && !IsLocalBefore(input, run))
        {
            if (IsUrlUserInfo(input, run, trigger))
            {
                return -1;
            }

            start = run;
        }
        else
        {
            // The run began in decided text (a value found right before it) or is too long for a local part.
            start = AfterFirstPunctuation(input, run - 1, trigger);
            if (start < 0)
            {
                return -1;
            }
        }

        ReadOnlySpan<byte> text = input.Text;
        while (start < trigger && (text[start] == '.' || IsAtextSymbol(text[start])))
        {
            start++;
        }

        // A dot-atom: no trailing dot (nor symbol: {name}@example.com is a template) and no doubled dot.
        if (start == trigger || text[trigger - 1] == '.' || IsAtextSymbol(text[trigger - 1]))
        {
            return -1;
        }

        // Stryker disable once Equality : text[start] is no dot (the loop above skipped them), so ".." is never found at 0.
        if (text[start..trigger].IndexOf(".."u8) >= 0)
        {
            return -1;
        }

        return start;
    }

    /// <summary>
    /// The index after the first local-part character that is no letter or digit at or after <paramref name="from"/>
    /// (possibly the last byte of the context before the text) and at most <see cref="MaxLocal"/> bytes before
    /// <paramref name="end"/>, or -1.
    /// </summary>
    private static int AfterFirstPunctuation(in ScanInput input, int from, int end)
    {
        for (int k = Math.Max(from, end - MaxLocal - 1); k < end; k++)
        {
            int b = input.At(k);
            if (b is '.' or '_' or '%' or '+' or '-' || IsAtextSymbol(b))
            {
                return k + 1;
            }
        }

        return -1;
    }

    /// <summary>The RFC 5322 atext symbols a local part takes here beyond <c>[A-Za-z0-9._%+-]</c>.</summary>
    private static bool IsAtextSymbol(int b) => b is '!' or '$' or '\'' or '*' or '^' or '`' or '{' or '|' or '}' or '~';

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

    /// <summary>
    /// The user of a URL (<c>https://abc@o1.ingest.sentry.io</c>, <c>postgres://app@db</c>): after <c>://</c>, a name
    /// without atext symbols (<c>https://a!john@example.com</c> is an address); or <c>scheme://user:</c> before it (the
    /// password's detector takes it).
    /// </summary>
    private static bool IsUrlUserInfo(in ScanInput input, int run, int trigger)
    {
        if (input.At(run - 1) == '/' && input.At(run - 2) == '/' && input.At(run - 3) == ':')
        {
            foreach (byte b in input.Text[run..trigger])
            {
                if (IsAtextSymbol(b))
                {
                    return false;
                }
            }

            return true;
        }

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
