using System.Text.Json;
using IronRuntime.Router.Wire;

namespace IronRuntime.Router.Usage;

/// <summary>
/// Extracts <see cref="TokenUsage"/> (and, on request, the response <c>model</c>) from provider JSON bodies.
/// </summary>
/// <remarks>
/// Walks the body once with <see cref="Utf8JsonReader"/>, descending only into <c>usage</c> (and the named
/// wrapper object, if any) and skipping every other value. Missing counters count as zero, <c>null</c> or
/// non-numeric counters are ignored, and malformed JSON makes the <c>Try</c> methods return
/// <see langword="false"/>; nothing here throws on input. No allocation except the model string, which is only
/// materialised when asked for.
/// </remarks>
internal static class UsageJsonReader
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 256 };

    /// <summary>Reads the usage of a complete, non-streaming response body.</summary>
    /// <param name="json">The response body.</param>
    /// <param name="api">The API that produced it.</param>
    /// <param name="usage">The usage, when found.</param>
    /// <returns>Whether a <c>usage</c> object was found in a well-formed body of a known API.</returns>
    public static bool TryRead(ReadOnlySpan<byte> json, LlmApi api, out TokenUsage usage)
    {
        usage = default;
        if (!TryGetDialect(api, out UsageDialect dialect)
            || !TryReadEnvelope(json, default, dialect, readModel: false, out UsageEnvelope envelope)
            || !envelope.HasUsage)
        {
            return false;
        }

        usage = envelope.Usage.ToTokenUsage(dialect);
        return true;
    }

    /// <summary>Reads the usage and the response model of a complete, non-streaming response body.</summary>
    /// <param name="json">The response body.</param>
    /// <param name="api">The API that produced it.</param>
    /// <param name="usage">The usage, when found.</param>
    /// <param name="model">The top-level <c>model</c>, when present (even if no usage was found).</param>
    /// <returns>Whether a <c>usage</c> object was found in a well-formed body of a known API.</returns>
    public static bool TryRead(ReadOnlySpan<byte> json, LlmApi api, out TokenUsage usage, out string? model)
    {
        usage = default;
        model = null;
        if (!TryGetDialect(api, out UsageDialect dialect)
            || !TryReadEnvelope(json, default, dialect, readModel: true, out UsageEnvelope envelope))
        {
            return false;
        }

        model = envelope.Model;
        if (!envelope.HasUsage)
        {
            return false;
        }

        usage = envelope.Usage.ToTokenUsage(dialect);
        return true;
    }

    /// <summary>Maps an API to the shape of its <c>usage</c> object.</summary>
    /// <param name="api">The API.</param>
    /// <param name="dialect">The usage dialect.</param>
    /// <returns>Whether the API reports usage.</returns>
    public static bool TryGetDialect(LlmApi api, out UsageDialect dialect)
    {
        switch (api)
        {
            case LlmApi.ChatCompletions:
            case LlmApi.Embeddings:
                dialect = UsageDialect.OpenAIChat;
                return true;
            case LlmApi.Responses:
                dialect = UsageDialect.OpenAIResponses;
                return true;
            case LlmApi.Messages:
                dialect = UsageDialect.Anthropic;
                return true;
            default:
                dialect = default;
                return false;
        }
    }

    /// <summary>
    /// Reads the <c>usage</c>, <c>model</c> and <c>choices</c> members of a JSON object, or of the object held by its
    /// member <paramref name="wrapperProperty"/> (for example <c>response</c> or <c>message</c> in stream events).
    /// </summary>
    /// <param name="json">A JSON object.</param>
    /// <param name="wrapperProperty">The member whose object value holds the usage, or empty for the top level.</param>
    /// <param name="dialect">The usage dialect.</param>
    /// <param name="readModel">Whether to materialise the <c>model</c> string.</param>
    /// <param name="envelope">What was found; offsets are relative to <paramref name="json"/>.</param>
    /// <returns><see langword="false"/> when <paramref name="json"/> is not a well-formed object (as far as read).</returns>
    public static bool TryReadEnvelope(
        ReadOnlySpan<byte> json,
        ReadOnlySpan<byte> wrapperProperty,
        UsageDialect dialect,
        bool readModel,
        out UsageEnvelope envelope)
    {
        envelope = UsageEnvelope.Empty;
        var reader = new Utf8JsonReader(json, ReaderOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            if (!wrapperProperty.IsEmpty && !MoveToObjectMember(ref reader, wrapperProperty))
            {
                // No such wrapper (or not an object): a well-formed object without usage.
                return true;
            }

            ReadMembers(ref reader, dialect, readModel, ref envelope);
            return true;
        }
        catch (JsonException)
        {
            envelope = UsageEnvelope.Empty;
            return false;
        }
        catch (InvalidOperationException)
        {
            // GetString on invalid UTF-8.
            envelope = UsageEnvelope.Empty;
            return false;
        }
    }

    /// <summary>Reads a <c>usage</c> value; the reader is on the value's first token and ends on its last.</summary>
    /// <param name="reader">The reader.</param>
    /// <param name="dialect">The usage dialect.</param>
    /// <param name="parts">The counters found.</param>
    /// <returns>Whether the value was an object.</returns>
    public static bool TryReadUsageValue(ref Utf8JsonReader reader, UsageDialect dialect, out UsageParts parts)
    {
        parts = default;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            switch (dialect)
            {
                case UsageDialect.OpenAIChat:
                    ReadOpenAIMember(ref reader, ref parts, ChatCompletionsWire.PromptTokens, ChatCompletionsWire.CompletionTokens, ChatCompletionsWire.PromptTokensDetails, ChatCompletionsWire.CompletionTokensDetails);
                    break;

                case UsageDialect.OpenAIResponses:
                    ReadOpenAIMember(ref reader, ref parts, ResponsesWire.InputTokens, ResponsesWire.OutputTokens, ResponsesWire.InputTokensDetails, ResponsesWire.OutputTokensDetails);
                    break;

                default:
                    if (reader.ValueTextEquals(MessagesWire.InputTokens))
                    {
                        ReadCount(ref reader, ref parts, UsageFields.Input);
                    }
                    else if (reader.ValueTextEquals(MessagesWire.OutputTokens))
                    {
                        ReadCount(ref reader, ref parts, UsageFields.Output);
                    }
                    else if (reader.ValueTextEquals(MessagesWire.CacheReadInputTokens))
                    {
                        ReadCount(ref reader, ref parts, UsageFields.CachedInput);
                    }
                    else if (reader.ValueTextEquals(MessagesWire.CacheCreationInputTokens))
                    {
                        ReadCount(ref reader, ref parts, UsageFields.CacheCreation);
                    }
                    else if (reader.ValueTextEquals(MessagesWire.CacheCreation))
                    {
                        ReadDetail(ref reader, MessagesWire.OneHourCacheInputTokens, ref parts, UsageFields.CacheCreationOneHour);
                    }
                    else if (reader.ValueTextEquals(MessagesWire.ServerToolUse))
                    {
                        ReadDetail(ref reader, MessagesWire.WebSearchRequests, ref parts, UsageFields.ServerToolUses);
                    }
                    else
                    {
                        reader.Skip();
                    }

                    break;
            }
        }

        return true;
    }

    /// <summary>
    /// One member of an OpenAI usage object. Chat Completions and Responses differ only in names:
    /// <c>prompt_tokens</c>/<c>input_tokens</c>, <c>completion_tokens</c>/<c>output_tokens</c> and their details.
    /// </summary>
    private static void ReadOpenAIMember(
        ref Utf8JsonReader reader,
        ref UsageParts parts,
        ReadOnlySpan<byte> input,
        ReadOnlySpan<byte> output,
        ReadOnlySpan<byte> inputDetails,
        ReadOnlySpan<byte> outputDetails)
    {
        if (reader.ValueTextEquals(input))
        {
            ReadCount(ref reader, ref parts, UsageFields.Input);
        }
        else if (reader.ValueTextEquals(output))
        {
            ReadCount(ref reader, ref parts, UsageFields.Output);
        }
        else if (reader.ValueTextEquals(inputDetails))
        {
            ReadDetail(ref reader, ChatCompletionsWire.CachedTokens, ref parts, UsageFields.CachedInput, ChatCompletionsWire.AudioTokens, UsageFields.AudioInput);
        }
        else if (reader.ValueTextEquals(outputDetails))
        {
            ReadDetail(ref reader, ChatCompletionsWire.ReasoningTokens, ref parts, UsageFields.Reasoning, ChatCompletionsWire.AudioTokens, UsageFields.AudioOutput);
        }
        else
        {
            reader.Skip();
        }
    }

    private static bool MoveToObjectMember(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(name))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    return true;
                }
            }

            reader.Skip();
        }

        return false;
    }

    private static void ReadMembers(ref Utf8JsonReader reader, UsageDialect dialect, bool readModel, ref UsageEnvelope envelope)
    {
        long webSearches = 0;
        Dictionary<string, long>? toolUses = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(WireJson.Usage))
            {
                int start = (int)reader.TokenStartIndex;
                reader.Read();
                envelope.HasUsage = TryReadUsageValue(ref reader, dialect, out envelope.Usage);
                envelope.UsageMemberStart = start;
                envelope.UsageMemberEnd = (int)reader.BytesConsumed;
            }
            else if (readModel && reader.ValueTextEquals(WireJson.Model))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && !reader.ValueSpan.IsEmpty)
                {
                    envelope.Model = Internal.JsonStringCache.GetString(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (dialect == UsageDialect.OpenAIResponses && reader.ValueTextEquals(ResponsesWire.Output))
            {
                reader.Read();
                webSearches += ResponsesOutputItems.CountBilledItems(ref reader, ref toolUses);
            }
            else if (reader.ValueTextEquals(ChatCompletionsWire.Choices))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    Utf8JsonReader probe = reader;
                    probe.Read();
                    envelope.HasChoices = true;
                    envelope.ChoicesEmpty = probe.TokenType == JsonTokenType.EndArray;
                }

                reader.Skip();
            }
            else
            {
                reader.Skip();
            }
        }

        if (webSearches > 0 && envelope.HasUsage)
        {
            // Responses bills each web search per call, and reports them only as output items.
            envelope.Usage.Counter(UsageFields.ServerToolUses) = webSearches;
            envelope.Usage.Present |= UsageFields.ServerToolUses;
        }

        if (toolUses is not null && envelope.HasUsage)
        {
            // So do file search, code interpreter and image generation.
            envelope.Usage.ToolUses = toolUses;
        }
    }

    private static void ReadCount(ref Utf8JsonReader reader, ref UsageParts parts, UsageFields field)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.Number)
        {
            // null, or a value of an unexpected kind: ignore it.
            reader.Skip();
            return;
        }

        if (!reader.TryGetInt64(out long value) || value < 0)
        {
            return;
        }

        parts.Counter(field) = value;
        parts.Present |= field;
    }

    private static void ReadDetail(ref Utf8JsonReader reader, ReadOnlySpan<byte> name, ref UsageParts parts, UsageFields field)
        => ReadDetail(ref reader, name, ref parts, field, default, UsageFields.None);

    private static void ReadDetail(ref Utf8JsonReader reader, ReadOnlySpan<byte> name, ref UsageParts parts, UsageFields field, ReadOnlySpan<byte> otherName, UsageFields otherField)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(name))
            {
                ReadCount(ref reader, ref parts, field);
            }
            else if (otherField != UsageFields.None && reader.ValueTextEquals(otherName))
            {
                ReadCount(ref reader, ref parts, otherField);
            }
            else
            {
                reader.Skip();
            }
        }
    }
}
