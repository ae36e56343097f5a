using System.Buffers;
using IronRuntime.Pii.Internal;

namespace IronRuntime.Pii.Detectors;

/// <summary>
/// PEM private-key blocks, triggered by <c>-</c>: <c>-----BEGIN … PRIVATE KEY-----</c> (five dashes or more before
/// BEGIN), the body and the <c>-----END … -----</c> line. A block whose end never comes is redacted up to where its body
/// stops (fail safe).
/// </summary>
/// <remarks>
/// The body is base64 and whitespace, RFC 1421 headers (<c>Proc-Type: 4,ENCRYPTED</c>, <c>Comment: me@host.example</c>)
/// and what a key pasted into other text carries on its lines: escaped newlines <c>\n</c> and quotes of a key in a JSON,
/// YAML or source-code string (<c>"MIIE…\n" +</c>), the <c>&gt; </c> of a quoted e-mail or Markdown block, the
/// <c>#</c>, <c>*</c>, <c>;</c> and <c>|</c> of comments and tables. A body that stopped at any of these would leave the
/// rest of the key in clear.
/// </remarks>
internal sealed class PemPrivateKeyDetector : PiiDetector
{
    private const int MaxLabel = 48;
    private const int MaxBlock = 64 * 1024;
    /// <summary>The most dashes past five that lead a BEGIN line or close an END line.</summary>
    internal const int MaxExtraDashes = 16;

    private static readonly SearchValues<byte> Body = SearchValues.Create(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=:,-\\ \t\r\n\"'>#*;|.@_"u8);

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

        // A longer run of dashes before BEGIN starts the block at its first dash.
        ReadOnlySpan<byte> run = text[trigger..Math.Min(text.Length, trigger + Dashes.Length + MaxExtraDashes + 1)];
        int dashes = run.IndexOfAnyExcept((byte)'-');
        if (dashes < 0)
        {
            dashes = run.Length;
        }

        if (dashes > Dashes.Length + MaxExtraDashes)
        {
            return PiiCandidate.None;
        }

        int begin = trigger + Math.Max(dashes - Dashes.Length, 0);

        if (!StartsWithLiteral(input, begin, Begin, PiiEntityTypes.PrivateKey, out PiiCandidate answer))
        {
            return answer == PiiCandidate.None ? answer : PiiCandidate.NeedMore(trigger, PiiEntityTypes.PrivateKey);
        }

        int lead = begin - trigger;
        ReadOnlySpan<byte> rest = text[trigger..];

        // The label, up to the closing dashes of the BEGIN line; a 49th label character is then not those dashes (refused below).
        int labelStart = lead + Begin.Length;
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

                // Dashes past the five that close the END line belong to it too (as many as a BEGIN line may lead with).
                int end = p + EndMarker.Length + close + Dashes.Length;
                int extra = rest[end..Math.Min(rest.Length, end + MaxExtraDashes)].IndexOfAnyExcept((byte)'-');
                if (extra < 0 && end + MaxExtraDashes > rest.Length && !input.IsFinal)
                {
                    return PiiCandidate.NeedMore(trigger, PiiEntityTypes.PrivateKey);
                }

                end += extra < 0 ? Math.Min(MaxExtraDashes, rest.Length - end) : extra;
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

    /// <summary>Whether <paramref name="b"/> can stand in a block's body (see the remarks); <see cref="PiiOverflow"/> continues a block over the same bytes.</summary>
    internal static bool IsBodyByte(byte b) => Body.Contains(b);

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
