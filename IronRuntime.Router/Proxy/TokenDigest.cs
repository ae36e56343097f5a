using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace IronRuntime.Router.Proxy;

/// <summary>The SHA-256 of an agent token: what the proxy keeps and compares instead of the token itself.</summary>
internal readonly struct TokenDigest : IEquatable<TokenDigest>
{
    /// <summary>The longest token looked at, in characters; longer credentials are not ours.</summary>
    public const int MaxTokenLength = 256;

    private readonly ulong _a;
    private readonly ulong _b;
    private readonly ulong _c;
    private readonly ulong _d;

    private TokenDigest(ReadOnlySpan<byte> hash)
    {
        _a = BinaryPrimitives.ReadUInt64LittleEndian(hash);
        _b = BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]);
        _c = BinaryPrimitives.ReadUInt64LittleEndian(hash[16..]);
        _d = BinaryPrimitives.ReadUInt64LittleEndian(hash[24..]);
    }

    /// <summary>The digest of <paramref name="token"/>; false when it is empty or longer than <see cref="MaxTokenLength"/>.</summary>
    public static bool TryCompute(ReadOnlySpan<char> token, out TokenDigest digest)
    {
        if (token.IsEmpty || token.Length > MaxTokenLength)
        {
            digest = default;
            return false;
        }

        Span<byte> utf8 = stackalloc byte[MaxTokenLength * 3];
        int length = Encoding.UTF8.GetBytes(token, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], hash);
        digest = new TokenDigest(hash);
        return true;
    }

    /// <summary>The digest whose 32 bytes are <paramref name="hash"/> (tests build digests that differ in chosen bytes).</summary>
    internal static TokenDigest FromHash(ReadOnlySpan<byte> hash) => new(hash);

    /// <summary>Compares in constant time: every word is compared, whatever differs first.</summary>
    public bool Equals(TokenDigest other)
        => ((_a ^ other._a) | (_b ^ other._b) | (_c ^ other._c) | (_d ^ other._d)) == 0;

    public override bool Equals(object? obj) => obj is TokenDigest other && Equals(other);

    public override int GetHashCode() => (int)_a;
}
