using System.Text.Json;
using IronRuntime.Router.Wire;

namespace IronRuntime.Router.Requests;

internal static partial class LlmRequestReader
{
    private static Member Classify(ref Utf8JsonReader reader, LlmApi api)
    {
        if (reader.ValueTextEquals(WireJson.Model))
        {
            return Member.Model;
        }

        if (reader.ValueTextEquals(WireJson.Stream))
        {
            return Member.Stream;
        }

        if (reader.ValueTextEquals(WireJson.StreamOptions))
        {
            return Member.StreamOptions;
        }

        if (reader.ValueTextEquals("tools"u8))
        {
            return Member.Tools;
        }

        if (reader.ValueTextEquals("service_tier"u8))
        {
            return Member.ServiceTier;
        }

        return api switch
        {
            LlmApi.ChatCompletions => reader.ValueTextEquals(ChatCompletionsWire.MaxCompletionTokens) || reader.ValueTextEquals(ChatCompletionsWire.LegacyMaxTokens) ? Member.MaxTokens
                : reader.ValueTextEquals("n"u8) ? Member.Choices
                : reader.ValueTextEquals("modalities"u8) ? Member.Modalities
                : reader.ValueTextEquals("audio"u8) ? Member.Audio
                : reader.ValueTextEquals("web_search_options"u8) ? Member.WebSearchOptions
                : reader.ValueTextEquals("prediction"u8) ? Member.Unbounded
                : Member.Other,
            LlmApi.Responses => reader.ValueTextEquals(ResponsesWire.MaxOutputTokens) ? Member.MaxTokens
                : reader.ValueTextEquals("max_tool_calls"u8) ? Member.MaxToolCalls
                : reader.ValueTextEquals("background"u8) || reader.ValueTextEquals("previous_response_id"u8)
                  || reader.ValueTextEquals("conversation"u8) || reader.ValueTextEquals("prompt"u8) ? Member.Unbounded
                : Member.Other,
            LlmApi.Messages => reader.ValueTextEquals(MessagesWire.MaxTokens) ? Member.MaxTokens
                : reader.ValueTextEquals("thinking"u8) ? Member.Thinking
                : reader.ValueTextEquals("mcp_servers"u8) || reader.ValueTextEquals("container"u8) ? Member.Unbounded
                : Member.Other,
            _ => Member.Other,
        };
    }

    private static string Name(Member member) => member switch
    {
        Member.Choices => "n",
        Member.MaxToolCalls => "max_tool_calls",
        Member.ServiceTier => "service_tier",
        _ => member.ToString(),
    };

    /// <summary>
    /// Whether a tool of this type runs at the provider (and may be billed per use and add to the prompt).
    /// Function and custom tools, and the tools the client runs (computer use, shell, text editor, memory), do not;
    /// an unknown type is taken to be a server tool, so that a new billable tool is never let through unbounded.
    /// </summary>
    private static bool IsServerTool(string type)
    {
        if (type.Length == 0 || type is "function" or "custom" or "computer_use_preview" or "local_shell" or "shell" or "apply_patch")
        {
            return false;
        }

        return !(type.StartsWith("bash_", StringComparison.Ordinal)
                 || type.StartsWith("text_editor_", StringComparison.Ordinal)
                 || type.StartsWith("computer_", StringComparison.Ordinal)
                 || type.StartsWith("memory_", StringComparison.Ordinal));
    }
}
