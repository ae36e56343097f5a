using System.Text.Json;

namespace IronRuntime.Router.Translation;

/// <summary>Writes a normalised <see cref="TokenUsage"/> in each provider's usage shape, so the metering reads it back unchanged.</summary>
internal static class WireUsage
{
    /// <summary>OpenAI Chat Completions <c>usage</c>: prompt tokens include the cached ones.</summary>
    public static void WriteChat(Utf8JsonWriter writer, TokenUsage usage)
    {
        writer.WriteStartObject("usage"u8);
        writer.WriteNumber("prompt_tokens"u8, usage.InputTokens);
        writer.WriteNumber("completion_tokens"u8, usage.OutputTokens);
        writer.WriteNumber("total_tokens"u8, usage.TotalTokens);
        writer.WriteStartObject("prompt_tokens_details"u8);
        writer.WriteNumber("cached_tokens"u8, usage.CachedInputTokens);
        writer.WriteEndObject();
        writer.WriteStartObject("completion_tokens_details"u8);
        writer.WriteNumber("reasoning_tokens"u8, usage.ReasoningTokens);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Anthropic <c>usage</c>: <c>input_tokens</c> excludes the tokens read from or written to the cache.</summary>
    public static void WriteAnthropic(Utf8JsonWriter writer, TokenUsage usage)
    {
        writer.WriteStartObject("usage"u8);
        writer.WriteNumber("input_tokens"u8, Math.Max(0, usage.InputTokens - usage.CachedInputTokens - usage.CacheCreationInputTokens));
        writer.WriteNumber("cache_creation_input_tokens"u8, usage.CacheCreationInputTokens);
        writer.WriteNumber("cache_read_input_tokens"u8, usage.CachedInputTokens);
        writer.WriteNumber("output_tokens"u8, usage.OutputTokens);
        writer.WriteEndObject();
    }
}
