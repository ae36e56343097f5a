using System.Buffers;
using System.Text.Json;

namespace IronRuntime.Router.Content;

/// <summary>JSON string surgery: the unescaped text of a string token, and text written back escaped.</summary>
internal static class JsonText
{
    private const string Hex = "0123456789abcdef";

    /// <summary>
    /// The unescaped UTF-8 of the string token <paramref name="token"/> (quotes included): the bytes inside the quotes
    /// when nothing is escaped (no copy), otherwise unescaped into <paramref name="scratch"/> (rented; return it).
    /// </summary>
    public static ReadOnlySpan<byte> Unescape(ReadOnlySpan<byte> token, bool escaped, ref byte[]? scratch)
    {
        ReadOnlySpan<byte> inner = token[1..^1];
        if (!escaped)
        {
            return inner;
        }

        scratch = ArrayPool<byte>.Shared.Rent(inner.Length);
        var reader = new Utf8JsonReader(token);
        reader.Read();
        int written = reader.CopyString(scratch);
        return scratch.AsSpan(0, written);
    }

    /// <summary>Writes <paramref name="text"/> as a JSON string token: quotes, and only <c>"</c>, <c>\</c> and control characters escaped (UTF-8 kept as is, as the providers write it).</summary>
    public static void WriteString(ReadOnlySpan<byte> text, IBufferWriter<byte> output)
    {
        Span<byte> quote = output.GetSpan(1);
        quote[0] = (byte)'"';
        output.Advance(1);
        while (!text.IsEmpty)
        {
            int special = text.IndexOfAnyInRange((byte)0, (byte)0x1F);
            int other = text.IndexOfAny((byte)'"', (byte)'\\');
            int at = special < 0 ? other : other < 0 ? special : Math.Min(special, other);
            if (at < 0)
            {
                output.Write(text);
                break;
            }

            output.Write(text[..at]);
            byte b = text[at];
            Span<byte> escape = output.GetSpan(6);
            escape[0] = (byte)'\\';
            int length = 2;
            switch (b)
            {
                case (byte)'"': escape[1] = (byte)'"'; break;
                case (byte)'\\': escape[1] = (byte)'\\'; break;
                case (byte)'\n': escape[1] = (byte)'n'; break;
                case (byte)'\r': escape[1] = (byte)'r'; break;
                case (byte)'\t': escape[1] = (byte)'t'; break;
                case (byte)'\b': escape[1] = (byte)'b'; break;
                case (byte)'\f': escape[1] = (byte)'f'; break;
                default:
                    escape[1] = (byte)'u';
                    escape[2] = (byte)'0';
                    escape[3] = (byte)'0';
                    escape[4] = (byte)Hex[b >> 4];
                    escape[5] = (byte)Hex[b & 0xF];
                    length = 6;
                    break;
            }

            output.Advance(length);
            text = text[(at + 1)..];
        }

        quote = output.GetSpan(1);
        quote[0] = (byte)'"';
        output.Advance(1);
    }
}
