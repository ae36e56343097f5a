using System.Text;
using System.Text.Json;
using IronRuntime.Router.Wire;

namespace IronRuntime.Router.Translation;

/// <summary>An Anthropic Messages answer as an OpenAI <c>chat.completion</c>: text, tool calls, finish reason and usage.</summary>
internal static class MessagesToChatResponse
{
    /// <summary>Translates <paramref name="messageBody"/>.</summary>
    /// <param name="messageBody">The Messages answer.</param>
    /// <param name="created">The <c>created</c> timestamp (Unix seconds).</param>
    /// <returns>The Chat Completions answer.</returns>
    /// <exception cref="JsonException">The body is not a Messages answer.</exception>
    public static byte[] Translate(ReadOnlySpan<byte> messageBody, long created)
        => TranslatedJson.WriteObject(messageBody, (TranslatedJson.Usage(messageBody, LlmApi.Messages, "Messages"), created), WriteAnswer);

    private static void WriteAnswer(Utf8JsonWriter w, JsonElement root, (TokenUsage Usage, long Created) answer)
    {
        TranslatedJson.CopyString(w, root, "id"u8);
        w.WriteString("object"u8, "chat.completion"u8);
        w.WriteNumber("created"u8, answer.Created);
        TranslatedJson.CopyString(w, root, WireJson.Model);
        w.WriteStartArray(ChatCompletionsWire.Choices);
        w.WriteStartObject();
        w.WriteNumber(WireJson.Index, 0);
        w.WriteStartObject("message"u8);
        w.WriteString("role"u8, "assistant"u8);

        var text = new StringBuilder();
        bool hasText = false, hasTools = false;
        if (root.TryGetProperty(MessagesWire.Content, out var content) && content.ValueKind == JsonValueKind.Array)
        {
            foreach (var block in content.EnumerateArray())
            {
                string? type = block.TryGetProperty(WireJson.Type, out var t) ? t.GetString() : null;
                hasText |= type == "text";
                hasTools |= type == "tool_use";
                if (type == "text")
                {
                    text.Append(block.GetProperty(MessagesWire.Text).GetString());
                }
            }
        }

        if (hasText || !hasTools)
        {
            w.WriteString(ChatCompletionsWire.Content, text.ToString());
        }
        else
        {
            w.WriteNull(ChatCompletionsWire.Content);
        }

        w.WriteNull(ChatCompletionsWire.Refusal);
        if (hasTools)
        {
            w.WriteStartArray(ChatCompletionsWire.ToolCalls);
            foreach (var block in content.EnumerateArray())
            {
                if (block.TryGetProperty(WireJson.Type, out var t) && t.ValueEquals("tool_use"u8))
                {
                    ToolCalls.WriteChatToolCall(w, block);
                }
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteNull("logprobs"u8);
        w.WriteString(ChatCompletionsWire.FinishReason, StopReasons.ToChat(root.TryGetProperty("stop_reason", out var stop) ? stop.GetString() : null));
        w.WriteEndObject();
        w.WriteEndArray();
        WireUsage.WriteChat(w, answer.Usage);
    }
}
