using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Text;

namespace IronRuntime.Router.Errors;

/// <summary>
/// Removes every part of the configured keys from a provider's error body before it reaches an agent: any run of
/// bytes covered by 8-byte windows that occur in a key (so every fragment of 8 bytes or more, the <c>sk-…</c> prefix
/// with what follows included) becomes <see cref="Replacement"/>; a key shorter than 8 bytes is removed whole.
/// </summary>
/// <remarks>
/// One pass over the body with one hash-set lookup per position; only error bodies go through it. Keys are ASCII
/// without JSON metacharacters, so the replacement keeps a JSON body valid.
/// </remarks>
internal sealed class SecretScrubber
{
    /// <summary>The length of the shortest fragment removed.</summary>
    public const int MinFragment = 8;

    /// <summary>What a fragment is replaced with.</summary>
    public const string Replacement = "[redacted]";

    private static readonly byte[] ReplacementBytes = Encoding.ASCII.GetBytes(Replacement);

    private readonly FrozenSet<ulong> _windows;
    private readonly byte[][] _shortKeys;

    /// <summary>A scrubber for <paramref name="keys"/> (nulls and empty strings ignored).</summary>
    public SecretScrubber(IEnumerable<string?> keys)
    {
        var windows = new HashSet<ulong>();
        var shortKeys = new List<byte[]>();
        foreach (string? key in keys)
        {
            if (string.IsNullOrEmpty(key))
            {
                continue;
            }

            byte[] bytes = Encoding.UTF8.GetBytes(key);
            if (bytes.Length < MinFragment)
            {
                shortKeys.Add(bytes);
                continue;
            }

            for (int i = 0; i + MinFragment <= bytes.Length; i++)
            {
                windows.Add(BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(i)));
            }
        }

        _windows = windows.ToFrozenSet();
        _shortKeys = [.. shortKeys];
    }

    /// <summary>Whether there is any key to remove.</summary>
    public bool IsEnabled => _windows.Count > 0 || _shortKeys.Length > 0;

    /// <summary>The body with every key fragment replaced, or the same array when it holds none.</summary>
    public byte[] Scrub(byte[] body)
    {
        if (!IsEnabled || body.Length == 0)
        {
            return body;
        }

        bool[]? covered = null;
        for (int i = 0; i + MinFragment <= body.Length; i++)
        {
            if (_windows.Count > 0 && _windows.Contains(BinaryPrimitives.ReadUInt64LittleEndian(body.AsSpan(i))))
            {
                covered ??= new bool[body.Length];
                covered.AsSpan(i, MinFragment).Fill(true);
            }
        }

        foreach (byte[] key in _shortKeys)
        {
            int from = 0;
            int at;
            while ((at = body.AsSpan(from).IndexOf(key)) >= 0)
            {
                covered ??= new bool[body.Length];
                covered.AsSpan(from + at, key.Length).Fill(true);
                from += at + key.Length;
            }
        }

        if (covered is null)
        {
            return body;
        }

        using var output = new MemoryStream(body.Length);
        for (int i = 0; i < body.Length;)
        {
            if (!covered[i])
            {
                output.WriteByte(body[i++]);
                continue;
            }

            output.Write(ReplacementBytes);
            while (i < body.Length && covered[i])
            {
                i++;
            }
        }

        return output.ToArray();
    }
}
