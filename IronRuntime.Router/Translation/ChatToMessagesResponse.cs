using System.Text.Json;
using IronRuntime.Router.Wire;

namespace IronRuntime.Router.Translation;

/// <summary>An OpenAI <c>chat.completion</c> as an Anthropic Messages answer: text and tool-use blocks, stop reason and usage.</summary>
internal static class ChatToMessagesResponse
{
    /// <summary>Translates <paramref name="chatBody"/>.</summary>
    /// <param name="chatBody">The Chat Completions answer.</param>
    /// <returns>The Messages answer.</returns>
    /// <exception cref="JsonException">The body is not a Chat Completions answer.</exception>
    public static byte[] Translate(ReadOnlySpan<byte> chatBody)
        => TranslatedJson.WriteObject(chatBody, TranslatedJson.Usage(chatBody, LlmApi.ChatCompletions, "Chat Completions"), WriteAnswer);

    private static void WriteAnswer(Utf8JsonWriter w, JsonElement root, TokenUsage usage)
    {
        TranslatedJson.CopyString(w, root, "id"u8);
        w.WriteString(WireJson.Type, "message"u8);
        w.WriteString("role"u8, "assistant"u8);
        TranslatedJson.CopyString(w, root, WireJson.Model);
        w.WriteStartArray(MessagesWire.Content);
        string? finish = null;
        if (root.TryGetProperty(ChatCompletionsWire.Choices, out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
        {
            var choice = choices[0];
            finish = choice.TryGetProperty(ChatCompletionsWire.FinishReason, out var f) ? f.GetString() : null;
            var message = choice.GetProperty("message");
            string? text = message.TryGetProperty(ChatCompletionsWire.Content, out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            text ??= message.TryGetProperty(ChatCompletionsWire.Refusal, out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            if (!string.IsNullOrEmpty(text))
            {
                w.WriteStartObject();
                w.WriteString(WireJson.Type, "text"u8);
                w.WriteString(MessagesWire.Text, text);
                w.WriteEndObject();
            }

            if (message.TryGetProperty(ChatCompletionsWire.ToolCalls, out var calls) && calls.ValueKind == JsonValueKind.Array)
            {
                foreach (var call in calls.EnumerateArray())
                {
                    ToolCalls.WriteToolUse(w, call);
                }
            }
        }

        w.WriteEndArray();
        w.WriteString("stop_reason"u8, StopReasons.ToAnthropic(finish));
        w.WriteNull("stop_sequence"u8);
        WireUsage.WriteAnthropic(w, usage);
    }
}
