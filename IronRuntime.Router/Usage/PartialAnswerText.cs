using System.Text.Json;

namespace IronRuntime.Router.Usage;

/// <summary>
/// The output tokens of a non-streamed answer that was cut (or garbled) after its headers: what of its text arrived.
/// </summary>
/// <remarks>
/// The partial body is read as far as it parses (<see cref="Utf8JsonReader"/> with <c>isFinalBlock: false</c>, so a
/// cut in the middle of a value simply stops the read). The string values of the members that carry generated text
/// — <c>content</c>, <c>text</c>, <c>arguments</c>, <c>refusal</c>, <c>thinking</c>, <c>reasoning_content</c>,
/// <c>partial_json</c> — are counted as <see cref="OutputTextTally"/> counts them (the model's tokenizer, else UTF-8
/// bytes); a tool's <c>input</c> object is counted as its JSON bytes; a text string cut in half counts what arrived
/// of it as text; any other bytes after the last complete value count one token each. That is a safe upper bound of the text seen, at least one
/// token. What the provider generated beyond the cut is not seen.
/// </remarks>
internal static class PartialAnswerText
{
    /// <summary>The output tokens to charge for the partial answer <paramref name="body"/> of <paramref name="model"/>.</summary>
    public static long OutputTokens(ReadOnlySpan<byte> body, string? model)
    {
        var tally = new OutputTextTally();
        var reader = new Utf8JsonReader(body, isFinalBlock: false, state: new JsonReaderState(new JsonReaderOptions { MaxDepth = 256 }));
        long consumed = 0;
        bool textMember = false, inputMember = false;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        textMember = IsTextMember(ref reader);
                        inputMember = reader.ValueTextEquals("input"u8);
                        break;
                    case JsonTokenType.String when textMember:
                        tally.AddEscaped(reader.ValueSpan);
                        textMember = inputMember = false;
                        break;
                    case JsonTokenType.StartObject when inputMember:
                        long start = reader.TokenStartIndex;
                        if (!reader.TrySkip())
                        {
                            consumed = start;
                            return Finish(tally, body, consumed, model);
                        }

                        tally.AddUncounted((int)(reader.BytesConsumed - start));
                        textMember = inputMember = false;
                        break;
                    default:
                        textMember = inputMember = false;
                        break;
                }

                consumed = reader.BytesConsumed;
            }
        }
        catch (JsonException)
        {
            // Garbled rather than cut: what parsed so far counts as text, the rest as bytes.
        }

        if (textMember)
        {
            // Cut inside the text of a member that carries it: what arrived of that string is text.
            ReadOnlySpan<byte> tail = body[(int)consumed..];
            int start = tail.IndexOfAnyExcept(" \t\r\n:"u8);
            if (start >= 0 && tail[start] == (byte)'"')
            {
                tally.AddPartialEscaped(tail[(start + 1)..]);
                consumed = body.Length;
            }
        }

        return Finish(tally, body, consumed, model);
    }

    private static long Finish(OutputTextTally tally, ReadOnlySpan<byte> body, long consumed, string? model)
    {
        tally.AddUncounted((int)(body.Length - consumed));
        return Math.Max(1, tally.CountTokens(model));
    }

    private static bool IsTextMember(ref Utf8JsonReader reader)
        => reader.ValueTextEquals("content"u8) || reader.ValueTextEquals("text"u8) || reader.ValueTextEquals("arguments"u8)
        || reader.ValueTextEquals("refusal"u8) || reader.ValueTextEquals("thinking"u8) || reader.ValueTextEquals("reasoning_content"u8)
        || reader.ValueTextEquals("partial_json"u8);
}
