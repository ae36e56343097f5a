using System.Text.Json;

namespace IronRuntime.Router.Wire;

/// <summary>
/// The byte-level helpers every API's wire shapes share: the event type of a JSON event, a member's non-empty string
/// value found by one byte search, JSON whitespace.
/// </summary>
/// <remarks>
/// The per-API modules (<see cref="ChatCompletionsWire"/>, <see cref="ResponsesWire"/>, <see cref="MessagesWire"/>,
/// <see cref="EmbeddingsWire"/>) name the members, paths and event types; the usage readers, the content filters, the
/// translators and the simulated provider use those names instead of literals of their own.
/// </remarks>
internal static class WireJson
{
    /// <summary>The member that names an event's or a part's type.</summary>
    public static ReadOnlySpan<byte> Type => "type"u8;

    /// <summary>The top-level member that names the model of an answer.</summary>
    public static ReadOnlySpan<byte> Model => "model"u8;

    /// <summary>Request: whether to stream the answer as server-sent events.</summary>
    public static ReadOnlySpan<byte> Stream => "stream"u8;

    /// <summary>Request (OpenAI): the stream's options (<see cref="IncludeUsage"/>).</summary>
    public static ReadOnlySpan<byte> StreamOptions => "stream_options"u8;

    /// <summary>Request (Chat Completions), in <see cref="StreamOptions"/>: send a last chunk with the usage.</summary>
    public static ReadOnlySpan<byte> IncludeUsage => "include_usage"u8;

    /// <summary>The member that carries an answer's token counts.</summary>
    public static ReadOnlySpan<byte> Usage => "usage"u8;

    /// <summary>The type of an error event (Responses and Messages), and the member of an OpenAI error body.</summary>
    public static ReadOnlySpan<byte> Error => "error"u8;

    /// <summary>The member that gives an array element's position (choices, tool calls, content blocks).</summary>
    public static ReadOnlySpan<byte> Index => "index"u8;

    /// <summary>Request: the prompt string of the legacy Completions API.</summary>
    public static ReadOnlySpan<byte> Prompt => "prompt"u8;

    private static ReadOnlySpan<byte> TypeFirst => "{\"type\":\""u8;

    /// <summary>Writes a string member, or <c>null</c> when <paramref name="value"/> is null (the writer's own escaping).</summary>
    public static void WriteStringOrNull(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    /// <summary>Whether <paramref name="b"/> is JSON whitespace.</summary>
    public static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';

    /// <summary>The first index at or after <paramref name="index"/> that is not JSON whitespace.</summary>
    public static int SkipWhitespace(ReadOnlySpan<byte> data, int index)
    {
        while (index < data.Length && IsWhitespace(data[index]))
        {
            index++;
        }

        return index;
    }

    /// <summary>An event's type: its <c>event:</c> name, or for an event sent without one the type in its data (<see cref="TryPeekType"/>).</summary>
    public static ReadOnlySpan<byte> EventType(ReadOnlySpan<byte> name, ReadOnlySpan<byte> data)
    {
        if (!name.IsEmpty)
        {
            return name;
        }

        _ = TryPeekType(data, out ReadOnlySpan<byte> type);
        return type;
    }

    /// <summary>
    /// The value of the top-level <c>"type"</c> member of a JSON object, when it is a string without escapes (the
    /// providers' event types never need one); empty when there is no such member. Nested <c>type</c>s (a delta's, a
    /// content block's) never count. The providers write <c>type</c> first, which is found without a parser.
    /// </summary>
    /// <returns>False when <paramref name="data"/> is not well-formed JSON as far as it was read.</returns>
    public static bool TryPeekType(ReadOnlySpan<byte> data, out ReadOnlySpan<byte> type)
    {
        type = default;
        if (data.StartsWith(TypeFirst))
        {
            ReadOnlySpan<byte> rest = data[TypeFirst.Length..];
            int end = rest.IndexOfAny((byte)'"', (byte)'\\');
            if (end >= 0 && rest[end] == (byte)'"' && rest[..end].IndexOfAnyInRange((byte)0, (byte)0x1F) < 0)
            {
                type = rest[..end];
                return true;
            }
        }

        try
        {
            var reader = new Utf8JsonReader(data);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return true; // well-formed as far as read, and no object: no type
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isType = reader.ValueTextEquals(Type);
                reader.Read();
                if (isType && reader.TokenType == JsonTokenType.String)
                {
                    type = reader.ValueIsEscaped ? default : reader.ValueSpan;
                    return true;
                }

                reader.Skip();
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether <paramref name="data"/> holds <paramref name="memberAndQuote"/> (a member name and the opening quote of
    /// its string value in compact JSON, such as <c>"text":"</c>) followed by at least one character, at any depth.
    /// </summary>
    public static bool HasNonEmptyString(ReadOnlySpan<byte> data, ReadOnlySpan<byte> memberAndQuote)
    {
        while (true)
        {
            int at = data.IndexOf(memberAndQuote);
            if (at < 0)
            {
                return false;
            }

            int next = at + memberAndQuote.Length;
            if (next < data.Length && data[next] != '"')
            {
                return true;
            }

            data = data[next..];
        }
    }
}
