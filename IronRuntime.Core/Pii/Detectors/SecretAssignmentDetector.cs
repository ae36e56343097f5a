using IronRuntime.Pii.Internal;

namespace IronRuntime.Pii.Detectors;

/// <summary>
/// Secrets assigned to a telling name, triggered by <c>=</c> and <c>:</c>: <c>DB_PASSWORD=…</c>, <c>secret: …</c>,
/// <c>"api_key": "…"</c>, <c>AWS_SECRET_ACCESS_KEY=…</c>, <c>AccountKey=…;</c> in an Azure connection string, and a
/// password label in prose (<c>Passwort: …</c>, <c>密码: …</c>). Only the value is replaced.
/// </summary>
/// <remarks>
/// The name is read back from the trigger within the context every scan sees (28 bytes). Generic values must look
/// random: at least 8 characters, at least 3 bits of Shannon entropy per character, not a placeholder
/// (<c>${VAR}</c>, <c>&lt;token&gt;</c>, <c>changeme</c>). Values that start like a key another detector knows
/// (<c>sk-</c>, <c>ghp_</c>, <c>AKIA</c>, <c>eyJ</c>, …) are left to it.
/// </remarks>
internal sealed class SecretAssignmentDetector(bool generic, bool aws, bool azure, bool sas) : PiiDetector
{
    private const int MaxName = 26;
    private const int MaxValue = 256;

    private static readonly string[] GenericSuffixes = ["password", "passwd", "pwd", "secret", "secret_key", "api_key", "apikey", "token", "access_key", "private_key", "client_secret", "auth"];

    private static readonly string[] KnownPrefixes = ["sk-", "sk_", "rk_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "xox", "AKIA", "ASIA", "AIza", "eyJ", "-----", "npm_", "glpat-", "hf_", "SG.", "hvs.", "hvb."];

    public override IReadOnlyList<string> EntityTypes { get; } = Enabled(
        (generic, PiiEntityTypes.Secret),
        (aws, PiiEntityTypes.AwsSecretKey),
        (azure, PiiEntityTypes.AzureStorageKey),
        (sas, PiiEntityTypes.AzureSasToken));

    public override ReadOnlySpan<byte> Triggers => "=:"u8;

    public override PiiCandidate Match(in ScanInput input, int floor, int trigger)
    {
        string? type = Classify(input, trigger);
        if (type is null)
        {
            return PiiCandidate.None;
        }

        ReadOnlySpan<byte> text = input.Text;
        int p = trigger + 1;
        while (p < text.Length && p - trigger <= 2 && text[p] == ' ')
        {
            p++;
        }

        if (p == text.Length)
        {
            // Held from the trigger: the next scan must see the '=' or ':' again to know the value is a secret.
            return PiiCandidate.NeedMoreOrNone(input, trigger, type);
        }

        byte quote = text[p] is (byte)'"' or (byte)'\'' ? text[p] : (byte)0;
        int start = quote != 0 ? p + 1 : p;
        int end = start;
        while (end < text.Length && end - start <= MaxValue && !EndsValue(text[end], quote, type == PiiEntityTypes.AzureSasToken))
        {
            end++;
        }

        if (end - start > MaxValue)
        {
            return PiiCandidate.None;
        }

        if (end == text.Length && !input.IsFinal)
        {
            return PiiCandidate.NeedMore(trigger, type);
        }

        if (quote == 0)
        {
            while (end > start && text[end - 1] is (byte)'.' or (byte)',' or (byte)'?')
            {
                end--; // a sentence ending after the value
            }
        }

        ReadOnlySpan<byte> value = text[start..end];
        double confidence = Confidence(type, value);
        return confidence > 0 ? PiiCandidate.Match(start, end, type, confidence) : PiiCandidate.None;
    }

    private string? Classify(in ScanInput input, int trigger)
    {
        // The name: optional spaces and a closing quote before the trigger, then [A-Za-z0-9_.-].
        int end = trigger;
        while (trigger - end < 2 && input.At(end - 1) == ' ')
        {
            end--;
        }

        if (input.At(end - 1) is '"' or '\'')
        {
            end--;
        }

        int start = end;
        while (trigger - start < MaxName && (PiiAscii.Is(input.At(start - 1), PiiAscii.KeyBody) || input.At(start - 1) == '.'))
        {
            start--;
        }

        if (start == end || trigger - start >= MaxName)
        {
            // No ASCII name: a password label in prose ("Passwort: ", "密码: ").
            return generic && input.Text[trigger] == ':' && PiiLabels.Precedes(input, trigger + 1, PiiLabels.Password) ? PiiEntityTypes.Secret : null;
        }

        Span<char> name = stackalloc char[MaxName];
        int length = 0;
        for (int i = start; i < end; i++)
        {
            int b = input.At(i);
            name[length++] = b is '-' or '.' ? '_' : (char)(PiiAscii.IsUpper(b) ? b | 0x20 : b);
        }

        ReadOnlySpan<char> n = name[..length];
        if (aws && (n.EndsWith("secret_access_key") || n.SequenceEqual("secretaccesskey") || n.SequenceEqual("aws_secret_key")))
        {
            return PiiEntityTypes.AwsSecretKey;
        }

        if (azure && n.SequenceEqual("accountkey"))
        {
            return PiiEntityTypes.AzureStorageKey;
        }

        // A SAS signature is a query parameter (?sig= or &sig=, also inside SharedAccessSignature=sv=…&sig=…).
        if (sas && ((n.SequenceEqual("sig") && input.At(start - 1) is '&' or '?') || n.SequenceEqual("sharedaccesskey")))
        {
            return PiiEntityTypes.AzureSasToken;
        }

        if (generic)
        {
            foreach (string suffix in GenericSuffixes)
            {
                if (n.EndsWith(suffix) && (n.Length == suffix.Length || n[n.Length - suffix.Length - 1] == '_' || suffix.Length >= 6))
                {
                    return PiiEntityTypes.Secret;
                }
            }

            if (input.Text[trigger] == ':' && PiiLabels.Precedes(input, trigger + 1, PiiLabels.Password))
            {
                return PiiEntityTypes.Secret;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="b"/> ends the value; <c>&amp;</c> ends a query parameter (a SAS signature) only.</summary>
    private static bool EndsValue(byte b, byte quote, bool query)
        => quote != 0 ? b == quote || b is (byte)'\n' or (byte)'\r' || (query && b == '&')
            : b >= 0x80 || PiiAscii.IsWhitespace(b) || b is (byte)'"' or (byte)'\'' or (byte)';' or (byte)'}' or (byte)')' or (byte)']' or (byte)'<' || (query && b == '&');

    /// <summary>
    /// The confidence of <paramref name="value"/> as <paramref name="type"/>; 0 when it is not a candidate at all
    /// (wrong shape, a placeholder, another detector's key, a run such as <c>12345678</c> or <c>abcdefgh</c>).
    /// </summary>
    private static double Confidence(string type, ReadOnlySpan<byte> value)
    {
        switch (type)
        {
            case PiiEntityTypes.AwsSecretKey:
                return value.Length == 40 && AllBase64(value) ? PiiConfidence.NamedSecret : 0;
            case PiiEntityTypes.AzureStorageKey:
                return value.Length == 88 && value.EndsWith("=="u8) && AllBase64(value) ? PiiConfidence.KnownPrefix : 0;
            case PiiEntityTypes.AzureSasToken:
                return IsHmacSha256(value) ? PiiConfidence.KnownPrefix : 0;
            default:
                if (value.Length < 8 || value[0] is (byte)'$' or (byte)'<' or (byte)'{' or (byte)'%' or (byte)'*' or (byte)'[' || IsSequence(value))
                {
                    return 0;
                }

                foreach (string prefix in KnownPrefixes)
                {
                    if (StartsWith(value, prefix))
                    {
                        return 0;
                    }
                }

                // Short random passwords repeat characters, so entropy alone undercounts them: a mix of character
                // classes (lower, upper, digit, other) counts too. One class needs 3 bits per character.
                double entropy = Entropy(value);
                int classes = Classes(value);
                return entropy >= 3.0 || (entropy >= 2.5 && classes >= 2) ? PiiConfidence.SecretHighEntropy : entropy >= 2.5 ? PiiConfidence.SecretLowEntropy : 0;
        }
    }

    /// <summary>An HMAC-SHA256 in base64, URL-encoded or not (<c>%2B</c>, <c>%2F</c>, <c>%3D</c>): 32 bytes once decoded.</summary>
    private static bool IsHmacSha256(ReadOnlySpan<byte> value)
    {
        Span<byte> base64 = stackalloc byte[44];
        int length = 0;
        for (int i = 0; i < value.Length; i++)
        {
            byte b = value[i];
            if (b == '%' && i + 2 < value.Length)
            {
                b = (value[i + 1], value[i + 2] | 0x20) switch
                {
                    ((byte)'2', 'b') => (byte)'+',
                    ((byte)'2', 'f') => (byte)'/',
                    ((byte)'3', 'd') => (byte)'=',
                    _ => (byte)0,
                };
                i += 2;
            }

            if (length == base64.Length || !(PiiAscii.IsAlnum(b) || b is (byte)'+' or (byte)'/' or (byte)'='))
            {
                return false;
            }

            base64[length++] = b;
        }

        return length == 44 && System.Buffers.Text.Base64.IsValid(base64, out int decoded) && decoded == 32;
    }

    /// <summary>How many of lower case, upper case, digits and other characters occur in <paramref name="value"/>.</summary>
    private static int Classes(ReadOnlySpan<byte> value)
    {
        int seen = 0;
        foreach (byte b in value)
        {
            seen |= PiiAscii.IsDigit(b) ? 1 : PiiAscii.IsUpper(b) ? 2 : PiiAscii.Is(b, PiiAscii.Lower) ? 4 : 8;
        }

        return System.Numerics.BitOperations.PopCount((uint)seen);
    }

    /// <summary>Every byte one more (or every byte one less) than the one before: <c>12345678</c>, <c>abcdefgh</c>, <c>98765432</c>.</summary>
    private static bool IsSequence(ReadOnlySpan<byte> value)
    {
        int step = value[1] - value[0];
        if (step is not (1 or -1))
        {
            return false;
        }

        for (int i = 2; i < value.Length; i++)
        {
            if (value[i] - value[i - 1] != step)
            {
                return false;
            }
        }

        return true;
    }

    private static bool AllBase64(ReadOnlySpan<byte> value)
    {
        foreach (byte b in value)
        {
            if (!PiiAscii.IsAlnum(b) && b is not ((byte)'+' or (byte)'/' or (byte)'='))
            {
                return false;
            }
        }

        return true;
    }

    private static bool StartsWith(ReadOnlySpan<byte> value, string prefix)
    {
        if (value.Length < prefix.Length)
        {
            return false;
        }

        for (int i = 0; i < prefix.Length; i++)
        {
            if (value[i] != prefix[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Shannon entropy in bits per byte.</summary>
    private static double Entropy(ReadOnlySpan<byte> value)
    {
        Span<int> counts = stackalloc int[256];
        counts.Clear();
        foreach (byte b in value)
        {
            counts[b]++;
        }

        double entropy = 0;
        foreach (int count in counts)
        {
            if (count > 0)
            {
                double p = (double)count / value.Length;
                entropy -= p * Math.Log2(p);
            }
        }

        return entropy;
    }
}
