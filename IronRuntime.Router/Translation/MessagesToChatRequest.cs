using System.Text.Json;
using IronRuntime.Router.Wire;

namespace IronRuntime.Router.Translation;

/// <summary>
/// An Anthropic Messages request as an OpenAI Chat Completions request: <c>system</c> becomes a system message, content
/// blocks become parts (images as data or plain URLs), <c>tool_use</c> blocks become <c>tool_calls</c> and
/// <c>tool_result</c> blocks become tool messages; tools, tool choice, stop sequences, sampling and the output limit
/// carry over. A stream asks for usage (<c>stream_options.include_usage</c>) so the answer can be metered.
/// </summary>
internal static class MessagesToChatRequest
{
    /// <summary>Translates <paramref name="messagesBody"/>.</summary>
    /// <param name="messagesBody">The Messages body.</param>
    /// <param name="model">The OpenAI model to ask.</param>
    /// <returns>The Chat Completions body.</returns>
    /// <exception cref="JsonException">The body is not a Messages request.</exception>
    public static byte[] Translate(ReadOnlySpan<byte> messagesBody, string model)
        => TranslatedJson.WriteObject(messagesBody, model, WriteRequest);

    private static void WriteRequest(Utf8JsonWriter w, JsonElement root, string model)
    {
        w.WriteString(WireJson.Model, model);
        w.WriteStartArray("messages"u8);
        if (root.TryGetProperty(MessagesWire.System, out var system))
        {
            string text = ChatContent.Text(system);
            if (text.Length > 0)
            {
                w.WriteStartObject();
                w.WriteString("role"u8, "system"u8);
                w.WriteString(ChatCompletionsWire.Content, text);
                w.WriteEndObject();
            }
        }

        if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in messages.EnumerateArray())
            {
                bool assistant = message.TryGetProperty("role", out var role) && role.ValueEquals("assistant"u8);
                message.TryGetProperty(MessagesWire.Content, out var content);
                if (assistant)
                {
                    WriteAssistant(w, content);
                }
                else
                {
                    WriteUser(w, content);
                }
            }
        }

        w.WriteEndArray();

        if (root.TryGetProperty(MessagesWire.MaxTokens, out var maxTokens) && maxTokens.ValueKind == JsonValueKind.Number)
        {
            w.WriteNumber(ChatCompletionsWire.MaxCompletionTokens, maxTokens.GetInt64());
        }

        foreach (var (from, to) in new[] { ("temperature", "temperature"), ("top_p", "top_p") })
        {
            if (root.TryGetProperty(from, out var value) && value.ValueKind == JsonValueKind.Number)
            {
                w.WriteNumber(to, value.GetDouble());
            }
        }

        if (root.TryGetProperty("stop_sequences", out var stops) && stops.ValueKind == JsonValueKind.Array && stops.GetArrayLength() > 0)
        {
            w.WritePropertyName("stop"u8);
            stops.WriteTo(w);
        }

        if (root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True)
        {
            w.WriteBoolean("stream"u8, true);
            w.WriteStartObject("stream_options"u8);
            w.WriteBoolean("include_usage"u8, true);
            w.WriteEndObject();
        }

        WriteTools(w, root);
        if (root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty("user_id", out var user) && user.ValueKind == JsonValueKind.String)
        {
            w.WriteString("user"u8, user.GetString());
        }

    }

    private static void WriteAssistant(Utf8JsonWriter w, JsonElement content)
    {
        w.WriteStartObject();
        w.WriteString("role"u8, "assistant"u8);
        if (content.ValueKind == JsonValueKind.String)
        {
            w.WriteString(ChatCompletionsWire.Content, content.GetString());
            w.WriteEndObject();
            return;
        }

        string text = ChatContent.Text(content);
        if (text.Length > 0)
        {
            w.WriteString(ChatCompletionsWire.Content, text);
        }
        else
        {
            w.WriteNull(ChatCompletionsWire.Content);
        }

        bool any = false;
        if (content.ValueKind == JsonValueKind.Array)
        {
            foreach (var block in content.EnumerateArray())
            {
                if (!block.TryGetProperty(WireJson.Type, out var type) || !type.ValueEquals("tool_use"u8))
                {
                    continue;
                }

                if (!any)
                {
                    w.WriteStartArray(ChatCompletionsWire.ToolCalls);
                    any = true;
                }

                ToolCalls.WriteChatToolCall(w, block);
            }
        }

        if (any)
        {
            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    /// <summary>A user turn: its tool results first (as tool messages, which must follow the assistant's calls), then the rest.</summary>
    private static void WriteUser(Utf8JsonWriter w, JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            w.WriteStartObject();
            w.WriteString("role"u8, "user"u8);
            w.WriteString(ChatCompletionsWire.Content, content.GetString());
            w.WriteEndObject();
            return;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        int other = 0;
        foreach (var block in content.EnumerateArray())
        {
            if (block.TryGetProperty(WireJson.Type, out var type) && type.ValueEquals("tool_result"u8))
            {
                w.WriteStartObject();
                w.WriteString("role"u8, "tool"u8);
                w.WriteString("tool_call_id"u8, block.GetProperty("tool_use_id").GetString());
                w.WriteString(ChatCompletionsWire.Content, block.TryGetProperty(MessagesWire.Content, out var result) ? ChatContent.Text(result) : string.Empty);
                w.WriteEndObject();
            }
            else
            {
                other++;
            }
        }

        if (other == 0)
        {
            return;
        }

        w.WriteStartObject();
        w.WriteString("role"u8, "user"u8);
        w.WriteStartArray(ChatCompletionsWire.Content);
        foreach (var block in content.EnumerateArray())
        {
            string? type = block.TryGetProperty(WireJson.Type, out var t) ? t.GetString() : null;
            if (type == "text")
            {
                w.WriteStartObject();
                w.WriteString(WireJson.Type, "text"u8);
                w.WriteString("text"u8, block.GetProperty(MessagesWire.Text).GetString());
                w.WriteEndObject();
            }
            else if (type == "image" && block.TryGetProperty("source", out var source))
            {
                string url = source.TryGetProperty(WireJson.Type, out var kind) && kind.ValueEquals("base64"u8)
                    ? "data:" + source.GetProperty("media_type").GetString() + ";base64," + source.GetProperty("data").GetString()
                    : source.TryGetProperty("url", out var u) ? u.GetString() ?? string.Empty : string.Empty;
                w.WriteStartObject();
                w.WriteString(WireJson.Type, "image_url"u8);
                w.WriteStartObject("image_url"u8);
                w.WriteString("url"u8, url);
                w.WriteEndObject();
                w.WriteEndObject();
            }
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteTools(Utf8JsonWriter w, JsonElement root)
    {
        if (!root.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Array || tools.GetArrayLength() == 0)
        {
            return;
        }

        w.WriteStartArray("tools"u8);
        foreach (var tool in tools.EnumerateArray())
        {
            if (!tool.TryGetProperty("input_schema", out var schema))
            {
                continue; // a server tool (web search, ...) has no OpenAI equivalent
            }

            w.WriteStartObject();
            w.WriteString(WireJson.Type, "function"u8);
            w.WriteStartObject(ChatCompletionsWire.Function);
            w.WriteString("name"u8, tool.GetProperty("name").GetString());
            if (tool.TryGetProperty("description", out var description) && description.ValueKind == JsonValueKind.String)
            {
                w.WriteString("description"u8, description.GetString());
            }

            w.WritePropertyName("parameters"u8);
            schema.WriteTo(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (root.TryGetProperty("tool_choice", out var choice) && choice.ValueKind == JsonValueKind.Object)
        {
            string? type = choice.TryGetProperty(WireJson.Type, out var t) ? t.GetString() : null;
            if (type == "tool")
            {
                w.WriteStartObject("tool_choice"u8);
                w.WriteString(WireJson.Type, "function"u8);
                w.WriteStartObject(ChatCompletionsWire.Function);
                w.WriteString("name"u8, choice.GetProperty("name").GetString());
                w.WriteEndObject();
                w.WriteEndObject();
            }
            else
            {
                w.WriteString("tool_choice"u8, type switch { "any" => "required", "none" => "none", _ => "auto" });
            }

            if (choice.TryGetProperty("disable_parallel_tool_use", out var disable) && disable.ValueKind == JsonValueKind.True)
            {
                w.WriteBoolean("parallel_tool_calls"u8, false);
            }
        }
    }
}
