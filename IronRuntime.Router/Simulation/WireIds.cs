using System.Buffers.Binary;
using System.Security.Cryptography;

namespace IronRuntime.Router.Simulation;

/// <summary>
/// Provider-looking ids derived from a seed, so that a given seed always gives the same ids:
/// <c>chatcmpl-</c> + 29 alphanumerics, <c>resp_</c>/<c>msg_</c> + 50 hex digits (OpenAI),
/// <c>msg_01</c> + 22 base-58 characters (Anthropic), request ids.
/// </summary>
internal readonly struct WireIds
{
    private const string Alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string Base58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private const string Hex = "0123456789abcdef";

    private readonly ulong _a;
    private readonly ulong _b;

    private WireIds(ulong a, ulong b)
    {
        _a = a;
        _b = b;
    }

    /// <summary>Ids seeded by <paramref name="content"/> and <paramref name="sequence"/>.</summary>
    public static WireIds From(ReadOnlySpan<byte> content, long sequence)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            Span<byte> sequenceBytes = stackalloc byte[sizeof(long)];
            BinaryPrimitives.WriteInt64LittleEndian(sequenceBytes, sequence);
            sha.AppendData(sequenceBytes);
            sha.AppendData(content);
            sha.GetHashAndReset(hash);
        }

        return new WireIds(BinaryPrimitives.ReadUInt64LittleEndian(hash), BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]));
    }

    /// <summary>A Chat Completions id: <c>chatcmpl-</c> + 29 alphanumerics.</summary>
    public string ChatCompletionId() => "chatcmpl-" + Draw(Alphanumerics, 29, 1);

    /// <summary>A Responses id: <c>resp_</c> + 50 hex digits.</summary>
    public string ResponseId() => "resp_" + Draw(Hex, 50, 2);

    /// <summary>A Responses output message id: <c>msg_</c> + 50 hex digits.</summary>
    public string ResponseItemId() => "msg_" + Draw(Hex, 50, 3);

    /// <summary>An Anthropic message id: <c>msg_01</c> + 22 base-58 characters.</summary>
    public string AnthropicMessageId() => "msg_01" + Draw(Base58, 22, 4);

    /// <summary>An OpenAI <c>x-request-id</c>: <c>req_</c> + 32 hex digits.</summary>
    public string OpenAIRequestId() => "req_" + Draw(Hex, 32, 5);

    /// <summary>An Anthropic <c>request-id</c>: <c>req_011C</c> + 20 base-58 characters.</summary>
    public string AnthropicRequestId() => "req_011C" + Draw(Base58, 20, 6);

    /// <summary>A Chat Completions <c>system_fingerprint</c>: <c>fp_</c> + 10 hex digits.</summary>
    public string SystemFingerprint() => "fp_" + Draw(Hex, 10, 7);

    /// <summary>A stable number for padding and fingerprints.</summary>
    public ulong Seed => _a ^ _b;

    private string Draw(string alphabet, int length, ulong stream)
    {
        ulong state = _a ^ (stream * 0x9E3779B97F4A7C15UL);
        ulong increment = _b | 1;
        return string.Create(length, (alphabet, state, increment), static (span, s) =>
        {
            ulong x = s.state;
            for (int i = 0; i < span.Length; i++)
            {
                x = unchecked((x * 6364136223846793005UL) + s.increment);
                span[i] = s.alphabet[(int)((x >> 33) % (ulong)s.alphabet.Length)];
            }
        });
    }
}
