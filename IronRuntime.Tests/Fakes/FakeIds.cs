using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace IronRuntime.Tests.Fakes;

/// <summary>
/// The fake provider's ids, in the providers' documented shapes (<c>chatcmpl-</c> + 29 alphanumerics, <c>resp_</c> and
/// <c>msg_</c> + 50 hex digits, Anthropic <c>msg_01</c> + 22 base-58 characters, request ids), derived from a seed so
/// that the same seed gives the same ids. The fake's own code: nothing of the library's simulation.
/// </summary>
internal readonly struct FakeIds
{
    private const string Alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string Base58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private const string Hex = "0123456789abcdef";

    private readonly byte[] _seed;

    private FakeIds(byte[] seed) => _seed = seed;

    /// <summary>Ids seeded by <paramref name="content"/> and <paramref name="sequence"/> (SHA-256 of both).</summary>
    public static FakeIds From(byte[] content, long sequence)
    {
        byte[] input = new byte[content.Length + sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(input, sequence);
        content.CopyTo(input, sizeof(long));
        return new FakeIds(SHA256.HashData(input));
    }

    public string ChatCompletionId() => "chatcmpl-" + Draw("chat", Alphanumerics, 29);

    public string ResponseId() => "resp_" + Draw("resp", Hex, 50);

    public string ResponseItemId() => "msg_" + Draw("item", Hex, 50);

    public string AnthropicMessageId() => "msg_01" + Draw("message", Base58, 22);

    public string OpenAIRequestId() => "req_" + Draw("openai-request", Hex, 32);

    public string AnthropicRequestId() => "req_011C" + Draw("anthropic-request", Base58, 20);

    public string SystemFingerprint() => "fp_" + Draw("fingerprint", Hex, 10);

    /// <summary>A stable number for the obfuscation padding.</summary>
    public ulong Seed => BinaryPrimitives.ReadUInt64BigEndian(_seed);

    /// <summary><paramref name="length"/> characters of <paramref name="alphabet"/> from HMAC-SHA256(seed, label + block number).</summary>
    private string Draw(string label, string alphabet, int length)
    {
        var result = new StringBuilder(length);
        for (int block = 0; result.Length < length; block++)
        {
            byte[] bytes = HMACSHA256.HashData(_seed, Encoding.ASCII.GetBytes(label + "/" + block.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            foreach (byte b in bytes)
            {
                if (result.Length == length)
                {
                    break;
                }

                result.Append(alphabet[b % alphabet.Length]);
            }
        }

        return result.ToString();
    }
}
