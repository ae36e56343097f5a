using System.Buffers;
using System.Text;
using System.Text.Json;

namespace IronRuntime.Router.Simulation;

/// <summary>
/// Writes JSON string values the way the OpenAI and Anthropic APIs do: UTF-8 as is (accents, CJK and
/// emoji unescaped), with only the quote, the backslash and control characters escaped.
/// </summary>
/// <remarks>
/// <see cref="Utf8JsonWriter"/> with the default or relaxed encoder escapes every character outside the
/// Basic Multilingual Plane (an emoji becomes <c>\uD83D\uDE80</c>) and more; the providers do not, and
/// byte-level tests (multi-byte characters split across network reads) need the raw UTF-8.
/// The escaped value is written with <see cref="Utf8JsonWriter.WriteRawValue(ReadOnlySpan{byte}, bool)"/>,
/// so it must only follow a property name (raw values are not indented as array items).
/// </remarks>
internal static class ProviderJson
{
    private const int StackLimit = 256;

    /// <summary>Writes a property whose value is <paramref name="value"/> as a JSON string.</summary>
    public static void WriteString(Utf8JsonWriter writer, ReadOnlySpan<byte> propertyName, string value)
    {
        writer.WritePropertyName(propertyName);
        WriteStringValue(writer, value);
    }

    /// <summary>Writes a property whose value is a JSON string, or <c>null</c> when <paramref name="value"/> is null.</summary>
    public static void WriteStringOrNull(Utf8JsonWriter writer, ReadOnlySpan<byte> propertyName, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(propertyName);
        }
        else
        {
            WriteString(writer, propertyName, value);
        }
    }

    /// <summary>Writes <paramref name="value"/> as a JSON string value (after a property name).</summary>
    public static void WriteStringValue(Utf8JsonWriter writer, string value)
    {
        // Worst case: every UTF-16 unit is a control character escaped as \u00XX (6 bytes), plus the quotes.
        int maxLength = checked((value.Length * 6) + 2);
        byte[]? rented = null;
        Span<byte> buffer = maxLength <= StackLimit
            ? stackalloc byte[StackLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(maxLength));
        try
        {
            int written = Escape(value, buffer);
            writer.WriteRawValue(buffer[..written], skipInputValidation: true);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Writes <paramref name="value"/> quoted and escaped into <paramref name="destination"/>.</summary>
    /// <returns>The number of bytes written.</returns>
    public static int Escape(string value, Span<byte> destination)
    {
        int position = 0;
        destination[position++] = (byte)'"';
        foreach (Rune rune in value.EnumerateRunes())
        {
            int scalar = rune.Value;
            if (scalar == '"' || scalar == '\\')
            {
                destination[position++] = (byte)'\\';
                destination[position++] = (byte)scalar;
            }
            else if (scalar < 0x20)
            {
                position += EscapeControl(scalar, destination[position..]);
            }
            else
            {
                position += rune.EncodeToUtf8(destination[position..]);
            }
        }

        destination[position++] = (byte)'"';
        return position;
    }

    private static int EscapeControl(int scalar, Span<byte> destination)
    {
        destination[0] = (byte)'\\';
        byte shortForm = scalar switch
        {
            '\b' => (byte)'b',
            '\f' => (byte)'f',
            '\n' => (byte)'n',
            '\r' => (byte)'r',
            '\t' => (byte)'t',
            _ => 0,
        };
        if (shortForm != 0)
        {
            destination[1] = shortForm;
            return 2;
        }

        // Lower-case hex, as Python's json module writes it.
        const string Hex = "0123456789abcdef";
        destination[1] = (byte)'u';
        destination[2] = (byte)'0';
        destination[3] = (byte)'0';
        destination[4] = (byte)Hex[scalar >> 4];
        destination[5] = (byte)Hex[scalar & 0xF];
        return 6;
    }
}
