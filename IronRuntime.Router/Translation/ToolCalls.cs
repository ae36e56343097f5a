using System.Text.Json;

namespace IronRuntime.Router.Translation;

/// <summary>Tool calls both ways: an Anthropic <c>tool_use</c> block as an OpenAI tool call, and back.</summary>
internal static class ToolCalls
{
    /// <summary>Writes an Anthropic <c>tool_use</c> block as an OpenAI tool call (the input object as an arguments string).</summary>
    public static void WriteChatToolCall(Utf8JsonWriter w, JsonElement toolUse)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, toolUse.GetProperty("id").GetString());
        w.WriteString("type"u8, "function"u8);
        w.WriteStartObject("function"u8);
        w.WriteString("name"u8, toolUse.GetProperty("name").GetString());
        w.WriteString("arguments"u8, toolUse.TryGetProperty("input", out var input) ? input.GetRawText() : "{}");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Writes an OpenAI tool call as an Anthropic <c>tool_use</c> block (the arguments string parsed into the input object).</summary>
    public static void WriteToolUse(Utf8JsonWriter w, JsonElement toolCall)
    {
        var function = toolCall.GetProperty("function");
        w.WriteStartObject();
        w.WriteString("type"u8, "tool_use"u8);
        w.WriteString("id"u8, toolCall.GetProperty("id").GetString());
        w.WriteString("name"u8, function.GetProperty("name").GetString());
        w.WritePropertyName("input"u8);
        WriteInput(w, function.TryGetProperty("arguments", out var args) ? args.GetString() : null);
        w.WriteEndObject();
    }

    /// <summary>Writes the tool input: the parsed arguments object, or <c>{}</c> when they are not one.</summary>
    private static void WriteInput(Utf8JsonWriter w, string? arguments)
    {
        if (!string.IsNullOrWhiteSpace(arguments))
        {
            try
            {
                using var args = JsonDocument.Parse(arguments);
                if (args.RootElement.ValueKind == JsonValueKind.Object)
                {
                    args.RootElement.WriteTo(w);
                    return;
                }
            }
            catch (JsonException)
            {
                // Not an object: an empty input instead.
            }
        }

        w.WriteStartObject();
        w.WriteEndObject();
    }
}
