using System.Text.Json;
using IronRuntime.Router.Wire;

namespace IronRuntime.Router.Translation;

/// <summary>Writes a normalised <see cref="TokenUsage"/> in each provider's usage shape, so the metering reads it back unchanged.</summary>
internal static class WireUsage
{
    /// <summary>OpenAI Chat Completions <c>usage</c>: prompt tokens include the cached ones.</summary>
    public static void WriteChat(Utf8JsonWriter writer, TokenUsage usage)
    {
        writer.WriteStartObject(WireJson.Usage);
        writer.WriteNumber(ChatCompletionsWire.PromptTokens, usage.InputTokens);
        writer.WriteNumber(ChatCompletionsWire.CompletionTokens, usage.OutputTokens);
        writer.WriteNumber(ChatCompletionsWire.TotalTokens, usage.TotalTokens);
        writer.WriteStartObject(ChatCompletionsWire.PromptTokensDetails);
        writer.WriteNumber(ChatCompletionsWire.CachedTokens, usage.CachedInputTokens);
        writer.WriteEndObject();
        writer.WriteStartObject(ChatCompletionsWire.CompletionTokensDetails);
        writer.WriteNumber(ChatCompletionsWire.ReasoningTokens, usage.ReasoningTokens);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Anthropic <c>usage</c>: <c>input_tokens</c> excludes the tokens read from or written to the cache.</summary>
    public static void WriteAnthropic(Utf8JsonWriter writer, TokenUsage usage)
    {
        writer.WriteStartObject(WireJson.Usage);
        writer.WriteNumber(MessagesWire.InputTokens, Math.Max(0, usage.InputTokens - usage.CachedInputTokens - usage.CacheCreationInputTokens));
        writer.WriteNumber(MessagesWire.CacheCreationInputTokens, usage.CacheCreationInputTokens);
        writer.WriteNumber(MessagesWire.CacheReadInputTokens, usage.CachedInputTokens);
        writer.WriteNumber(MessagesWire.OutputTokens, usage.OutputTokens);
        writer.WriteEndObject();
    }
}
