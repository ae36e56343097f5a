using IronRuntime.Pii.Internal;

namespace IronRuntime.Pii.Detectors;

/// <summary>
/// PEM private-key blocks, triggered by <c>-</c>: <c>-----BEGIN … PRIVATE KEY-----</c>, the body (base64, whitespace
/// and RFC 1421 headers such as <c>Proc-Type: 4,ENCRYPTED</c>; escaped newlines <c>\n</c> of a key inside a JSON or
/// YAML string) and the <c>-----END … -----</c> line. A block whose
/// end never comes is redacted up to where its body stops (fail safe).
/// </summary>
internal sealed class PemPrivateKeyDetector : PiiDetector
{
    private const int MaxLabel = 48;
    private const int MaxBlock = 64 * 1024;

    public override IReadOnlyList<string> EntityTypes { get; } = [PiiEntityTypes.PrivateKey];

    public override ReadOnlySpan<byte> Triggers => "-"u8;

    private static ReadOnlySpan<byte> Begin => "-----BEGIN "u8;

    private static ReadOnlySpan<byte> EndMarker => "-----END"u8;

    private static ReadOnlySpan<byte> Dashes => "-----"u8;

    public override PiiCandidate Match(in ScanInput input, int floor, int trigger)
    {
        ReadOnlySpan<byte> text = input.Text;
        if (input.At(trigger - 1) == '-')
        {
            return PiiCandidate.None;
        }

        if (!StartsWithLiteral(input, trigger, Begin, PiiEntityTypes.PrivateKey, out PiiCandidate answer))
        {
            return answer;
        }

        ReadOnlySpan<byte> rest = text[trigger..];

        // The label, up to the closing dashes of the BEGIN line; a 49th label character is then not those dashes (refused below).
        int labelStart = Begin.Length;
        int labelEnd = labelStart;
        while (labelEnd < rest.Length && labelEnd - labelStart < MaxLabel && (PiiAscii.Is(rest[labelEnd], PiiAscii.Upper | PiiAscii.Digit) || rest[labelEnd] == ' '))
        {
            labelEnd++;
        }

        if (rest.Length - labelEnd < Dashes.Length)
        {
            return labelEnd == rest.Length || Dashes.StartsWith(rest[labelEnd..])
                ? PiiCandidate.NeedMoreOrNone(input, trigger, PiiEntityTypes.PrivateKey)
                : PiiCandidate.None;
        }

        if (!rest[labelEnd..].StartsWith(Dashes) || !rest[labelStart..labelEnd].EndsWith("PRIVATE KEY"u8))
        {
            return PiiCandidate.None;
        }

        // The body, to the END line or to the first byte no body contains.
        int p = labelEnd + Dashes.Length;
        while (p < rest.Length && p < MaxBlock)
        {
            byte b = rest[p];
            if (b == '-' && rest[p..].StartsWith(EndMarker))
            {
                int windowStart = p + EndMarker.Length;
                int windowEnd = Math.Min(rest.Length, windowStart + MaxLabel + Dashes.Length + 1);
                int close = rest[windowStart..windowEnd].IndexOf(Dashes);
                if (close < 0)
                {
                    // No closing dashes within a label's length: the block ends where its body did.
                    return windowEnd == rest.Length && !input.IsFinal && windowEnd - windowStart < MaxLabel + Dashes.Length + 1
                        ? PiiCandidate.NeedMore(trigger, PiiEntityTypes.PrivateKey)
                        : PiiCandidate.Match(trigger, trigger + TrimEnd(rest, p), PiiEntityTypes.PrivateKey);
                }

                int end = p + EndMarker.Length + close + Dashes.Length;
                return PiiCandidate.Match(trigger, trigger + end, PiiEntityTypes.PrivateKey);
            }

            if (b == '-' && EndMarker.StartsWith(rest[p..]))
            {
                break; // "-----EN" at the end of the text
            }

            if (!IsBodyByte(b))
            {
                return PiiCandidate.Match(trigger, trigger + TrimEnd(rest, p), PiiEntityTypes.PrivateKey);
            }

            p++;
        }

        if (p >= MaxBlock)
        {
            return PiiCandidate.Match(trigger, trigger + TrimEnd(rest, p), PiiEntityTypes.PrivateKey);
        }

        return input.IsFinal
            ? PiiCandidate.Match(trigger, trigger + TrimEnd(rest, rest.Length), PiiEntityTypes.PrivateKey)
            : PiiCandidate.NeedMore(trigger, PiiEntityTypes.PrivateKey);
    }

    private static bool IsBodyByte(byte b) => PiiAscii.IsAlnum(b) || b is (byte)'+' or (byte)'/' or (byte)'=' or (byte)':' or (byte)',' or (byte)'-'
        or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'\\';

    /// <summary><paramref name="end"/> without the whitespace before it; <paramref name="rest"/> starts with <c>-----BEGIN</c>, so this stops at 1 at the latest.</summary>
    private static int TrimEnd(ReadOnlySpan<byte> rest, int end)
    {
        while (PiiAscii.IsWhitespace(rest[end - 1]))
        {
            end--;
        }

        return end;
    }
}
