using System.Text.Json;

namespace IronRuntime.Router.Wire;

/// <summary>Writes a normalised <see cref="TokenUsage"/> in each provider's usage shape, so the metering reads it back unchanged.</summary>
internal static class WireUsage
{
    /// <summary>OpenAI Chat Completions <c>usage</c>: prompt tokens include the cached ones.</summary>
    /// <param name="writer">The writer, inside the object that gets the member.</param>
    /// <param name="usage">The counters.</param>
    /// <param name="allDetails">Whether to write every detail the API writes (audio and prediction tokens, as 0) as the simulated provider does, or only those the metering reads.</param>
    public static void WriteChat(Utf8JsonWriter writer, TokenUsage usage, bool allDetails = false)
    {
        writer.WriteStartObject(WireJson.Usage);
        writer.WriteNumber(ChatCompletionsWire.PromptTokens, usage.InputTokens);
        writer.WriteNumber(ChatCompletionsWire.CompletionTokens, usage.OutputTokens);
        writer.WriteNumber(ChatCompletionsWire.TotalTokens, usage.TotalTokens);
        writer.WriteStartObject(ChatCompletionsWire.PromptTokensDetails);
        writer.WriteNumber(ChatCompletionsWire.CachedTokens, usage.CachedInputTokens);
        if (allDetails)
        {
            writer.WriteNumber(ChatCompletionsWire.AudioTokens, 0);
        }

        writer.WriteEndObject();
        writer.WriteStartObject(ChatCompletionsWire.CompletionTokensDetails);
        writer.WriteNumber(ChatCompletionsWire.ReasoningTokens, usage.ReasoningTokens);
        if (allDetails)
        {
            writer.WriteNumber(ChatCompletionsWire.AudioTokens, 0);
            writer.WriteNumber("accepted_prediction_tokens"u8, 0);
            writer.WriteNumber("rejected_prediction_tokens"u8, 0);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Anthropic <c>usage</c>: <c>input_tokens</c> excludes the tokens read from or written to the cache.</summary>
    public static void WriteAnthropic(Utf8JsonWriter writer, TokenUsage usage)
    {
        writer.WriteStartObject(WireJson.Usage);
        writer.WriteNumber(MessagesWire.InputTokens, MessagesWire.UncachedInputTokens(usage));
        writer.WriteNumber(MessagesWire.CacheCreationInputTokens, usage.CacheCreationInputTokens);
        writer.WriteNumber(MessagesWire.CacheReadInputTokens, usage.CachedInputTokens);
        writer.WriteNumber(MessagesWire.OutputTokens, usage.OutputTokens);
        writer.WriteEndObject();
    }
}
