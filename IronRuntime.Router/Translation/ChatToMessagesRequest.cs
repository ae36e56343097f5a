using System.Text.Json;
using IronRuntime.Router.Wire;

namespace IronRuntime.Router.Translation;

/// <summary>
/// An OpenAI Chat Completions request as an Anthropic Messages request: system and developer messages become
/// <c>system</c>; user, assistant and tool messages become alternating turns (tool results go into the next user
/// turn); images, tools, tool choice, tool calls, stop sequences, sampling and the output limit carry over.
/// </summary>
internal static class ChatToMessagesRequest
{
    /// <summary>Translates <paramref name="chatBody"/>.</summary>
    /// <param name="chatBody">The Chat Completions body (as the router would send it).</param>
    /// <param name="model">The Anthropic model to ask.</param>
    /// <param name="defaultMaxTokens">The <c>max_tokens</c> when the request sets no output limit (Anthropic requires one).</param>
    /// <returns>The Messages body.</returns>
    /// <exception cref="JsonException">The body is not a Chat Completions request.</exception>
    public static byte[] Translate(ReadOnlySpan<byte> chatBody, string model, long defaultMaxTokens)
        => TranslatedJson.WriteObject(chatBody, (model, defaultMaxTokens), WriteRequest);

    private static void WriteRequest(Utf8JsonWriter w, JsonElement root, (string Model, long DefaultMaxTokens) target)
    {
        w.WriteString(WireJson.Model, target.Model);
        long maxTokens = TryGetLong(root, ChatCompletionsWire.OutputLimit) ?? TryGetLong(root, MessagesWire.OutputLimit) ?? target.DefaultMaxTokens;
        w.WriteNumber(MessagesWire.MaxTokens, maxTokens);

        string? system = SystemText(root);
        if (system is not null)
        {
            w.WriteString(MessagesWire.System, system);
        }

        WriteMessages(w, root);

        if (root.TryGetProperty("temperature", out var temperature) && temperature.ValueKind == JsonValueKind.Number)
        {
            w.WriteNumber("temperature"u8, Math.Min(1.0, temperature.GetDouble())); // OpenAI allows up to 2
        }

        if (root.TryGetProperty("top_p", out var topP) && topP.ValueKind == JsonValueKind.Number)
        {
            w.WriteNumber("top_p"u8, topP.GetDouble());
        }

        if (root.TryGetProperty("stop", out var stop) && stop.ValueKind is JsonValueKind.String or JsonValueKind.Array)
        {
            w.WriteStartArray("stop_sequences"u8);
            if (stop.ValueKind == JsonValueKind.String)
            {
                w.WriteStringValue(stop.GetString());
            }
            else
            {
                foreach (var s in stop.EnumerateArray())
                {
                    w.WriteStringValue(s.GetString());
                }
            }

            w.WriteEndArray();
        }

        if (root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True)
        {
            w.WriteBoolean("stream"u8, true);
        }

        WriteTools(w, root);

        if (root.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.String)
        {
            w.WriteStartObject("metadata"u8);
            w.WriteString("user_id"u8, user.GetString());
            w.WriteEndObject();
        }

    }

    private static long? TryGetLong(JsonElement root, string name)
        => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long n) ? n : null;

    private static string? SystemText(JsonElement root)
    {
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        List<string>? parts = null;
        foreach (var message in messages.EnumerateArray())
        {
            string? role = message.TryGetProperty("role", out var r) ? r.GetString() : null;
            if (role is "system" or "developer" && message.TryGetProperty(ChatCompletionsWire.Content, out var content))
            {
                (parts ??= []).Add(ChatContent.Text(content));
            }
        }

        return parts is null ? null : string.Join("\n\n", parts);
    }

    private static void WriteMessages(Utf8JsonWriter w, JsonElement root)
    {
        w.WriteStartArray("messages"u8);
        if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            string? openRole = null;
            foreach (var message in messages.EnumerateArray())
            {
                string? role = message.TryGetProperty("role", out var r) ? r.GetString() : null;
                if (role is "system" or "developer" or null)
                {
                    continue;
                }

                // Anthropic turns alternate; tool results travel in a user turn.
                string turn = role == "assistant" ? "assistant" : "user";
                if (turn != openRole)
                {
                    if (openRole is not null)
                    {
                        w.WriteEndArray();
                        w.WriteEndObject();
                    }

                    w.WriteStartObject();
                    w.WriteString("role"u8, turn);
                    w.WriteStartArray(MessagesWire.Content);
                    openRole = turn;
                }

                WriteBlocks(w, role, message);
            }

            if (openRole is not null)
            {
                w.WriteEndArray();
                w.WriteEndObject();
            }
        }

        w.WriteEndArray();
    }

    private static void WriteBlocks(Utf8JsonWriter w, string role, JsonElement message)
    {
        message.TryGetProperty(ChatCompletionsWire.Content, out var content);
        if (role == "tool")
        {
            w.WriteStartObject();
            w.WriteString(WireJson.Type, "tool_result"u8);
            w.WriteString("tool_use_id"u8, message.TryGetProperty("tool_call_id", out var id) ? id.GetString() : string.Empty);
            w.WriteString(MessagesWire.Content, ChatContent.Text(content));
            w.WriteEndObject();
            return;
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            string text = content.GetString()!;
            if (text.Length > 0)
            {
                WriteText(w, text);
            }
        }
        else if (content.ValueKind == JsonValueKind.Array)
        {
            foreach (var part in content.EnumerateArray())
            {
                string? type = part.TryGetProperty(WireJson.Type, out var t) ? t.GetString() : null;
                if (type == "text" && part.TryGetProperty("text", out var text))
                {
                    WriteText(w, text.GetString() ?? string.Empty);
                }
                else if (type == "image_url" && part.TryGetProperty("image_url", out var image))
                {
                    WriteImage(w, image.ValueKind == JsonValueKind.String ? image.GetString()! : image.GetProperty("url").GetString()!);
                }
                else if (type == "refusal" && part.TryGetProperty(ChatCompletionsWire.Refusal, out var refusal))
                {
                    WriteText(w, refusal.GetString() ?? string.Empty);
                }
            }
        }

        if (role == "assistant" && message.TryGetProperty(ChatCompletionsWire.ToolCalls, out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in calls.EnumerateArray())
            {
                ToolCalls.WriteToolUse(w, call);
            }
        }
    }

    private static void WriteText(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString(WireJson.Type, "text"u8);
        w.WriteString(MessagesWire.Text, text);
        w.WriteEndObject();
    }

    /// <summary>A data URL becomes a base64 source, anything else a URL source.</summary>
    private static void WriteImage(Utf8JsonWriter w, string url)
    {
        w.WriteStartObject();
        w.WriteString(WireJson.Type, "image"u8);
        w.WriteStartObject("source"u8);
        int comma = url.IndexOf(',', StringComparison.Ordinal);
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase) && comma > 0 && url.AsSpan(0, comma).EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            w.WriteString(WireJson.Type, "base64"u8);
            w.WriteString("media_type"u8, url.AsSpan(5, comma - 5 - ";base64".Length));
            w.WriteString("data"u8, url.AsSpan(comma + 1));
        }
        else
        {
            w.WriteString(WireJson.Type, "url"u8);
            w.WriteString("url"u8, url);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteTools(Utf8JsonWriter w, JsonElement root)
    {
        bool hasTools = root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0;
        if (hasTools)
        {
            w.WriteStartArray("tools"u8);
            foreach (var tool in tools.EnumerateArray())
            {
                if (!tool.TryGetProperty(ChatCompletionsWire.Function, out var function))
                {
                    continue;
                }

                w.WriteStartObject();
                w.WriteString("name"u8, function.GetProperty("name").GetString());
                if (function.TryGetProperty("description", out var description) && description.ValueKind == JsonValueKind.String)
                {
                    w.WriteString("description"u8, description.GetString());
                }

                w.WritePropertyName("input_schema"u8);
                if (function.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object)
                {
                    parameters.WriteTo(w);
                }
                else
                {
                    w.WriteStartObject();
                    w.WriteString(WireJson.Type, "object"u8);
                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        bool parallel = !root.TryGetProperty("parallel_tool_calls", out var p) || p.ValueKind != JsonValueKind.False;
        if (root.TryGetProperty("tool_choice", out var choice) && hasTools)
        {
            w.WriteStartObject("tool_choice"u8);
            if (choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty(ChatCompletionsWire.Function, out var named))
            {
                w.WriteString(WireJson.Type, "tool"u8);
                w.WriteString("name"u8, named.GetProperty("name").GetString());
            }
            else
            {
                w.WriteString(WireJson.Type, choice.GetString() switch { "required" => "any", "none" => "none", _ => "auto" });
            }

            if (!parallel)
            {
                w.WriteBoolean("disable_parallel_tool_use"u8, true);
            }

            w.WriteEndObject();
        }
        else if (!parallel && hasTools)
        {
            w.WriteStartObject("tool_choice"u8);
            w.WriteString(WireJson.Type, "auto"u8);
            w.WriteBoolean("disable_parallel_tool_use"u8, true);
            w.WriteEndObject();
        }
    }
}
