using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using IronRuntime.Pii.Internal;

namespace IronRuntime.Pii.Detectors;

/// <summary>
/// JSON Web Tokens, triggered by the <c>J</c> of <c>eyJ</c>: three base64url segments joined by dots (the signature
/// may be empty), whose header and payload decode to JSON objects.
/// </summary>
internal sealed class JwtDetector : PiiDetector
{
    private const int MaxSegment = 64 * 1024;

    public override IReadOnlyList<string> EntityTypes { get; } = [PiiEntityTypes.Jwt];

    public override ReadOnlySpan<byte> Triggers => "J"u8;

    public override PiiCandidate Match(in ScanInput input, int floor, int trigger)
    {
        ReadOnlySpan<byte> text = input.Text;
        int start = trigger - 2;
        if (start < floor || text[start] != 'e' || text[start + 1] != 'y' || IsTokenByte(input.At(start - 1)) || input.IsWordBefore(start))
        {
            return PiiCandidate.None;
        }

        int end = trigger;
        while (end < text.Length && IsTokenByte(text[end]))
        {
            end++;
        }

        if (end == text.Length && !input.IsFinal)
        {
            return end - start > 3 * MaxSegment ? PiiCandidate.None : PiiCandidate.NeedMore(start, PiiEntityTypes.Jwt);
        }

        if (input.IsWordAt(end))
        {
            return PiiCandidate.None;
        }

        if (text[end - 1] == '.' && CountDots(text[start..end]) == 3)
        {
            end--; // a sentence ending right after an unsigned token
        }

        ReadOnlySpan<byte> token = text[start..end];
        if (CountDots(token) != 2)
        {
            return PiiCandidate.None;
        }

        int first = token.IndexOf((byte)'.');
        int second = token.LastIndexOf((byte)'.');
        ReadOnlySpan<byte> payload = token[(first + 1)..second];
        return payload.StartsWith("eyJ"u8) && IsJsonObject(token[..first]) && IsJsonObject(payload)
            ? PiiCandidate.Match(start, end, PiiEntityTypes.Jwt)
            : PiiCandidate.None;
    }

    public override int TailHold(in ScanInput input, int floor)
    {
        ReadOnlySpan<byte> text = input.Text;
        int s = text.Length;
        if (s - 1 >= floor && text[s - 1] == 'e')
        {
            s--;
        }
        else if (s - 2 >= floor && text[s - 2] == 'e' && text[s - 1] == 'y')
        {
            s -= 2;
        }
        else
        {
            return text.Length;
        }

        return IsTokenByte(input.At(s - 1)) || input.IsWordBefore(s) ? text.Length : s;
    }

    private static bool IsTokenByte(int b) => PiiAscii.Is(b, PiiAscii.Base64Url) || b == '.';

    private static int CountDots(ReadOnlySpan<byte> token) => token.Count((byte)'.');

    private static bool IsJsonObject(ReadOnlySpan<byte> segment)
    {
        // Stryker disable once Equality : a segment of 4 characters starting eyJ decodes to 3 bytes, {" and one more: never an object.
        if (segment.Length is < 4 or > MaxSegment)
        {
            return false;
        }

        int maxLength = Base64Url.GetMaxDecodedLength(segment.Length);
        byte[]? rented = null;
        // Stryker disable once Equality,Conditional : renting at exactly 512, or for every size, decodes the same.
        Span<byte> decoded = maxLength <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(maxLength));
        try
        {
            if (Base64Url.DecodeFromUtf8(segment, decoded, out _, out int written) != OperationStatus.Done)
            {
                return false;
            }

            var reader = new Utf8JsonReader(decoded[..written]);
            // Stryker disable once Logical,Boolean : both segments start eyJ, which decodes to {": the first token always starts an object.
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
