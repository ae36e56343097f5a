using System.Buffers;
using System.Text;
using System.Text.Json;
using IronRuntime.Router.Usage;
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
    {
        if (!UsageJsonReader.TryRead(messageBody, LlmApi.Messages, out TokenUsage usage))
        {
            throw new JsonException("The answer is not a Messages answer with usage.");
        }

        using var doc = JsonDocument.Parse(messageBody.ToArray());
        var root = doc.RootElement;
        var output = new ArrayBufferWriter<byte>(messageBody.Length + 256);
        using var w = new Utf8JsonWriter(output);
        w.WriteStartObject();
        w.WriteString("id"u8, root.TryGetProperty("id", out var id) ? id.GetString() : string.Empty);
        w.WriteString("object"u8, "chat.completion"u8);
        w.WriteNumber("created"u8, created);
        w.WriteString(WireJson.Model, root.TryGetProperty(WireJson.Model, out var model) ? model.GetString() : string.Empty);
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
        WireUsage.WriteChat(w, usage);
        w.WriteEndObject();
        w.Flush();
        return output.WrittenSpan.ToArray();
    }
}
