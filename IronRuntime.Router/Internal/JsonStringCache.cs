using System.Text.Json;

namespace IronRuntime.Router.Internal;

/// <summary>
/// The strings of values every call repeats — the model a request names, the model an answer reports — made once per
/// thread and reused while the same bytes come back, instead of one new string per call.
/// </summary>
/// <remarks>
/// Four entries per thread, replaced in turn; only short, unescaped values are kept (an escaped one is unescaped as
/// usual). A hit compares the raw bytes with bytes an earlier <see cref="Utf8JsonReader.GetString"/> turned into the
/// kept string, so it is the string that call would make.
/// </remarks>
internal sealed class JsonStringCache
{
    private const int Entries = 4;
    private const int MaxBytes = 64;

    [ThreadStatic]
    private static JsonStringCache? t_cache;

    private readonly byte[][] _bytes = new byte[Entries][];
    private readonly string[] _strings = new string[Entries];
    private int _next;

    /// <summary>The string value the reader is on (a <see cref="JsonTokenType.String"/> token).</summary>
    /// <param name="reader">The reader.</param>
    /// <returns>The value, as <see cref="Utf8JsonReader.GetString"/> returns it.</returns>
    public static string GetString(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence || reader.ValueSpan.Length > MaxBytes)
        {
            return reader.GetString()!;
        }

        var cache = t_cache ??= new JsonStringCache();
        ReadOnlySpan<byte> value = reader.ValueSpan;
        for (int i = 0; i < Entries; i++)
        {
            if (cache._bytes[i] is { } bytes && value.SequenceEqual(bytes))
            {
                return cache._strings[i];
            }
        }

        string text = reader.GetString()!;
        int slot = cache._next;
        cache._next = (slot + 1) % Entries;
        cache._bytes[slot] = value.ToArray();
        cache._strings[slot] = text;
        return text;
    }
}
