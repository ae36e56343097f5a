using IronRuntime.Pii.Internal;

namespace IronRuntime.Pii.Detectors;

/// <summary>
/// Vendor tokens with a fixed prefix and shape, after the gitleaks rule set (config/gitleaks.toml, commit b58d3f10,
/// July 2026): npm (<c>npm_</c> + 36 alphanumerics), GitLab personal access tokens (<c>glpat-</c> + 20 or more
/// <c>[A-Za-z0-9_-]</c>), Hugging Face (<c>hf_</c> + 34 letters), SendGrid (<c>SG.</c> + 22 + <c>.</c> + 43
/// <c>[A-Za-z0-9_-]</c>), HashiCorp Vault (<c>hvs.</c> + 90–120, <c>hvb.</c> + 138–300 <c>[A-Za-z0-9_-]</c>) and
/// Twilio API keys (<c>SK</c> + 32 hex digits). Triggered by the byte that ends the prefix (<c>_ - . K</c>).
/// </summary>
internal sealed class VendorTokenDetector : PiiDetector
{
    private static readonly (string Prefix, string Type)[] Prefixes =
    [
        ("npm_", PiiEntityTypes.NpmToken), ("glpat-", PiiEntityTypes.GitLabToken), ("hf_", PiiEntityTypes.HuggingFaceToken),
        ("SG.", PiiEntityTypes.SendGridKey), ("hvs.", PiiEntityTypes.VaultToken), ("hvb.", PiiEntityTypes.VaultToken), ("SK", PiiEntityTypes.TwilioKey),
    ];

    private readonly (string Prefix, string Type)[] _prefixes;

    public VendorTokenDetector(Func<string, bool> isOn)
    {
        _prefixes = [.. Prefixes.Where(p => isOn(p.Type))];
        EntityTypes = [.. _prefixes.Select(p => p.Type).Distinct()];
    }

    public override IReadOnlyList<string> EntityTypes { get; }

    public override ReadOnlySpan<byte> Triggers => "_-.K"u8;

    public override PiiCandidate Match(in ScanInput input, int floor, int trigger)
    {
        ReadOnlySpan<byte> text = input.Text;
        foreach (var (prefix, type) in _prefixes)
        {
            int start = trigger + 1 - prefix.Length;
            if (text[trigger] != prefix[^1] || start < floor || !Equal(text, start, prefix) || input.IsWordBefore(start))
            {
                continue;
            }

            int end = trigger + 1;
            int classes = type == PiiEntityTypes.TwilioKey ? PiiAscii.Hex : type == PiiEntityTypes.HuggingFaceToken ? PiiAscii.Upper | PiiAscii.Lower : type == PiiEntityTypes.NpmToken ? PiiAscii.Alnum : PiiAscii.KeyBody;
            while (end < text.Length && (PiiAscii.Is(text[end], classes) || (type == PiiEntityTypes.SendGridKey && text[end] == '.' && !text[(trigger + 1)..end].Contains((byte)'.') && end + 1 < text.Length && PiiAscii.Is(text[end + 1], classes))))
            {
                end++;
            }

            if (end == text.Length && !input.IsFinal)
            {
                return PiiCandidate.NeedMore(start, type);
            }

            if (input.IsWordAt(end))
            {
                continue;
            }

            int body = end - trigger - 1;
            bool valid = prefix switch
            {
                "npm_" => body == 36 && HasDigitAndLetter(text[(trigger + 1)..end]),
                "glpat-" => body is >= 20 and <= 300,
                "hf_" => body == 34,
                "SG." => body == 66 && text[trigger + 23] == '.',
                "hvs." => body is >= 90 and <= 120,
                "hvb." => body is >= 138 and <= 300,
                _ => body == 32 && HasDigitAndLetter(text[(trigger + 1)..end]),
            };
            if (valid)
            {
                return PiiCandidate.Match(start, end, type, PiiConfidence.KnownPrefix);
            }
        }

        return PiiCandidate.None;
    }

    /// <summary>Holds a trailing word that could still become one of the prefixes (<c>np</c>, <c>glpa</c>, <c>S</c>, <c>hv</c>…).</summary>
    public override int TailHold(in ScanInput input, int floor)
    {
        ReadOnlySpan<byte> text = input.Text;
        int s = text.Length;
        // The whole trailing word: one longer than every prefix's word (glpat: 5) begins none of them and is released below.
        while (s > floor && PiiAscii.IsAlnum(text[s - 1]))
        {
            s--;
        }

        if (s == text.Length || input.IsWordBefore(s))
        {
            return text.Length;
        }

        ReadOnlySpan<byte> tail = text[s..];
        foreach (var (prefix, _) in _prefixes)
        {
            if (prefix.Length > tail.Length && Equal(tail, 0, prefix.AsSpan(0, tail.Length)))
            {
                return s;
            }
        }

        return text.Length;
    }

    private static bool Equal(ReadOnlySpan<byte> text, int start, ReadOnlySpan<char> prefix)
    {
        for (int i = 0; i < prefix.Length; i++)
        {
            if (text[start + i] != prefix[i])
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasDigitAndLetter(ReadOnlySpan<byte> body)
        => body.IndexOfAnyInRange((byte)'0', (byte)'9') >= 0 && (body.IndexOfAnyInRange((byte)'a', (byte)'z') >= 0 || body.IndexOfAnyInRange((byte)'A', (byte)'Z') >= 0);
}
