using IronRuntime.Pii.Internal;

namespace IronRuntime.Pii.Detectors;

/// <summary>
/// API keys and tokens with a known prefix, triggered by the prefix's <c>-</c> or <c>_</c>: OpenAI (<c>sk-</c>,
/// <c>sk-proj-</c>, <c>sk-svcacct-</c>, <c>sk-admin-</c>), Anthropic (<c>sk-ant-</c>), Stripe (<c>sk_live_</c>,
/// <c>sk_test_</c>, <c>rk_live_</c>, <c>rk_test_</c>), GitHub (<c>ghp_</c>, <c>gho_</c>, <c>ghu_</c>, <c>ghs_</c>,
/// <c>ghr_</c> with their CRC32 check; <c>github_pat_</c>) and Slack (<c>xoxb-</c>, <c>xoxp-</c>, …).
/// </summary>
/// <remarks>
/// The value is the whole run of <c>[A-Za-z0-9_-]</c> after the prefix; it must be long enough and (except GitHub,
/// whose checksum proves it) contain both letters and digits, so prose such as "sk-learn" or "the sk- prefix" is not a key.
/// </remarks>
internal sealed class KeyDetector(bool openAI, bool anthropic, bool stripe, bool gitHub, bool slack) : PiiDetector
{
    private const int MaxPrefixWord = 6;

    private static readonly string[] PrefixWords = ["sk", "rk", "ghp", "gho", "ghu", "ghs", "ghr", "github", "xoxb", "xoxp", "xoxa", "xoxr", "xoxs", "xoxe"];

    public override IReadOnlyList<string> EntityTypes { get; } = Enabled(
        (openAI, PiiEntityTypes.OpenAIKey),
        (anthropic, PiiEntityTypes.AnthropicKey),
        (stripe, PiiEntityTypes.StripeKey),
        (gitHub, PiiEntityTypes.GitHubToken),
        (slack, PiiEntityTypes.SlackToken));

    public override ReadOnlySpan<byte> Triggers => "-_"u8;

    public override PiiCandidate Match(in ScanInput input, int floor, int trigger)
    {
        ReadOnlySpan<byte> text = input.Text;
        int word = trigger;
        while (word > floor && trigger - word <= MaxPrefixWord && PiiAscii.IsAlnum(text[word - 1]))
        {
            word--;
        }

        int wordLength = trigger - word;
        if (wordLength is < 2 or > MaxPrefixWord || PiiAscii.Is(input.At(word - 1), PiiAscii.KeyBody) || input.IsWordBefore(word))
        {
            return PiiCandidate.None;
        }

        ReadOnlySpan<byte> prefix = text[word..trigger];
        // Stryker disable once Arithmetic : from trigger - 1 the loop walks the prefix's last letter and the trigger (both key-body bytes) to the same end.
        int end = trigger + 1;
        while (end < text.Length && PiiAscii.Is(text[end], PiiAscii.KeyBody))
        {
            end++;
        }

        string? type = Classify(prefix, text[trigger], out int minBody);
        if (type is null)
        {
            return PiiCandidate.None;
        }

        if (end == text.Length && !input.IsFinal)
        {
            return PiiCandidate.NeedMore(word, type);
        }

        if (input.IsWordAt(end))
        {
            return PiiCandidate.None;
        }

        ReadOnlySpan<byte> body = text[(trigger + 1)..end];
        if (type is PiiEntityTypes.OpenAIKey or PiiEntityTypes.AnthropicKey)
        {
            type = body.StartsWith("ant-"u8) ? (anthropic ? PiiEntityTypes.AnthropicKey : null) : (openAI ? PiiEntityTypes.OpenAIKey : null);
            if (type is null)
            {
                return PiiCandidate.None;
            }
        }

        bool valid = type switch
        {
            PiiEntityTypes.GitHubToken => IsGitHub(prefix, body),
            PiiEntityTypes.StripeKey => IsStripe(body),
            PiiEntityTypes.AnthropicKey => body.StartsWith("ant-"u8) && IsRandom(body[4..], minBody),
            _ => IsRandom(body, minBody),
        };
        return valid ? PiiCandidate.Match(word, end, type, type == PiiEntityTypes.GitHubToken && prefix.Length == 3 ? PiiConfidence.Validated : PiiConfidence.KnownPrefix) : PiiCandidate.None;
    }

    public override int TailHold(in ScanInput input, int floor)
    {
        ReadOnlySpan<byte> text = input.Text;
        int s = text.Length;
        while (s > floor && text.Length - s < MaxPrefixWord && PiiAscii.IsAlnum(text[s - 1]))
        {
            s--;
        }

        if (s == text.Length || PiiAscii.Is(input.At(s - 1), PiiAscii.KeyBody) || input.IsWordBefore(s))
        {
            return text.Length;
        }

        ReadOnlySpan<byte> tail = text[s..];
        foreach (string prefix in PrefixWords)
        {
            if (prefix.Length >= tail.Length && StartsWith(prefix, tail))
            {
                return s;
            }
        }

        return text.Length;
    }

    private static bool StartsWith(string prefix, ReadOnlySpan<byte> tail)
    {
        for (int i = 0; i < tail.Length; i++)
        {
            if (prefix[i] != tail[i])
            {
                return false;
            }
        }

        return true;
    }

    private string? Classify(ReadOnlySpan<byte> prefix, byte separator, out int minBody)
    {
        minBody = 20;
        if (separator == '-')
        {
            if (prefix.SequenceEqual("sk"u8))
            {
                // sk-ant- is Anthropic's; the rest of sk- is OpenAI's. Which one is decided by the body, so both stay pending.
                return anthropic || openAI ? (openAI ? PiiEntityTypes.OpenAIKey : PiiEntityTypes.AnthropicKey) : null;
            }

            minBody = 10;
            return slack && prefix.Length == 4 && prefix.StartsWith("xox"u8) && prefix[3] is (byte)'b' or (byte)'p' or (byte)'a' or (byte)'r' or (byte)'s' or (byte)'e'
                ? PiiEntityTypes.SlackToken
                : null;
        }

        if (prefix.SequenceEqual("sk"u8) || prefix.SequenceEqual("rk"u8))
        {
            return stripe ? PiiEntityTypes.StripeKey : null;
        }

        if (prefix.SequenceEqual("github"u8) || (prefix.Length == 3 && prefix.StartsWith("gh"u8) && prefix[2] is (byte)'p' or (byte)'o' or (byte)'u' or (byte)'s' or (byte)'r'))
        {
            return gitHub ? PiiEntityTypes.GitHubToken : null;
        }

        return null;
    }

    /// <summary>Classic tokens: 30 base62 characters then their CRC32 in base62 (6). Fine-grained: <c>github_pat_</c> + 22 + <c>_</c> + 59.</summary>
    private static bool IsGitHub(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> body)
    {
        if (prefix.Length == 6)
        {
            return body.Length >= 82 && body.StartsWith("pat_"u8) && IsRandom(body[4..], 70);
        }

        if (body.Length != 36)
        {
            return false;
        }

        foreach (byte b in body)
        {
            if (!PiiAscii.IsAlnum(b))
            {
                return false;
            }
        }

        return PiiChecksums.IsBase62(PiiChecksums.Crc32(body[..30]), body[30..]);
    }

    private static bool IsStripe(ReadOnlySpan<byte> body)
    {
        if (!body.StartsWith("live_"u8) && !body.StartsWith("test_"u8))
        {
            return false;
        }

        ReadOnlySpan<byte> rest = body[5..];
        foreach (byte b in rest)
        {
            if (!PiiAscii.IsAlnum(b))
            {
                return false;
            }
        }

        // Keys are 24+ random characters; some have no digit, so mixed case also counts as random.
        return IsRandom(rest, 16) || (rest.Length >= 24 && rest.IndexOfAnyInRange((byte)'a', (byte)'z') >= 0 && rest.IndexOfAnyInRange((byte)'A', (byte)'Z') >= 0);
    }

    /// <summary>At least <paramref name="minLength"/> bytes with letters and digits.</summary>
    private static bool IsRandom(ReadOnlySpan<byte> body, int minLength)
    {
        if (body.Length < minLength)
        {
            return false;
        }

        bool letter = false;
        bool digit = false;
        foreach (byte b in body)
        {
            digit |= PiiAscii.IsDigit(b);
            letter |= PiiAscii.Is(b, PiiAscii.Upper | PiiAscii.Lower);
        }

        return letter && digit;
    }
}
