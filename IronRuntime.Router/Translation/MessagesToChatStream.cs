using System.Buffers;
using System.Text.Json;
using IronRuntime.Router.Usage;
using IronRuntime.Router.Wire;

namespace IronRuntime.Router.Translation;

/// <summary>
/// An Anthropic Messages stream as an OpenAI Chat Completions stream: <c>message_start</c> gives the role chunk, text
/// deltas content chunks, <c>tool_use</c> blocks and their <c>input_json_delta</c>s tool-call chunks, <c>message_stop</c>
/// the finish chunk, the usage chunk (when the request asked for usage) and <c>[DONE]</c>. Pings are dropped, errors
/// become an OpenAI error event.
/// </summary>
internal sealed class MessagesToChatStream : ISseTranslator
{
    private readonly long _created;
    private readonly bool _includeUsage;
    private readonly Dictionary<int, int> _toolIndexes = [];
    private string _id = string.Empty;
    private string _model = string.Empty;
    private UsageParts _usage;
    private string? _stopReason;

    /// <summary>Creates the translator for one stream.</summary>
    /// <param name="created">The chunks' <c>created</c> (Unix seconds).</param>
    /// <param name="includeUsage">Whether the Chat request asked for usage (<c>stream_options.include_usage</c>).</param>
    public MessagesToChatStream(long created, bool includeUsage)
    {
        _created = created;
        _includeUsage = includeUsage;
    }

    /// <inheritdoc />
    public void Translate(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        var reader = new Utf8JsonReader(data);
        using var doc = JsonDocument.ParseValue(ref reader);
        var root = doc.RootElement;
        string? type = root.TryGetProperty("type", out var t) ? t.GetString() : null;
        switch (type)
        {
            case "message_start":
                var message = root.GetProperty("message");
                _id = message.TryGetProperty("id", out var id) ? id.GetString() ?? string.Empty : string.Empty;
                _model = message.TryGetProperty("model", out var model) ? model.GetString() ?? string.Empty : string.Empty;
                ReadUsage(data, "message"u8);
                WriteChunk(output, static w =>
                {
                    w.WriteString("role"u8, "assistant"u8);
                    w.WriteString("content"u8, ""u8);
                });
                break;

            case "content_block_start":
                var block = root.GetProperty("content_block");
                if (block.TryGetProperty("type", out var blockType) && blockType.ValueEquals("tool_use"u8))
                {
                    int index = _toolIndexes.Count;
                    _toolIndexes[root.GetProperty("index").GetInt32()] = index;
                    string toolId = block.GetProperty("id").GetString()!;
                    string name = block.GetProperty("name").GetString()!;
                    WriteChunk(output, w => WriteToolCall(w, index, toolId, name, string.Empty));
                }

                break;

            case "content_block_delta":
                var delta = root.GetProperty("delta");
                string? deltaType = delta.TryGetProperty("type", out var dt) ? dt.GetString() : null;
                if (deltaType == "text_delta")
                {
                    string text = delta.GetProperty("text").GetString()!;
                    WriteChunk(output, w => w.WriteString("content"u8, text));
                }
                else if (deltaType == "input_json_delta" && _toolIndexes.TryGetValue(root.GetProperty("index").GetInt32(), out int toolIndex))
                {
                    string partial = delta.GetProperty("partial_json").GetString()!;
                    WriteChunk(output, w => WriteToolCall(w, toolIndex, null, null, partial));
                }

                break;

            case "message_delta":
                if (root.TryGetProperty("delta", out var messageDelta) && messageDelta.TryGetProperty("stop_reason", out var stop) && stop.ValueKind == JsonValueKind.String)
                {
                    _stopReason = stop.GetString();
                }

                if (UsageJsonReader.TryReadEnvelope(data, default, UsageDialect.Anthropic, readModel: false, out UsageEnvelope envelope) && envelope.HasUsage)
                {
                    _usage.Update(envelope.Usage);
                }

                break;

            case "message_stop":
                WriteChunk(output, static _ => { }, StopReasons.ToChat(_stopReason));
                if (_includeUsage)
                {
                    WriteUsageChunk(output);
                }

                output.Write("data: [DONE]\n\n"u8);
                break;

            case "error":
                var error = root.GetProperty("error");
                output.Write("data: "u8);
                output.Write(Errors.ProviderErrors.Body(false, error.GetProperty("type").GetString() ?? "api_error", null, error.GetProperty("message").GetString() ?? string.Empty));
                output.Write("\n\n"u8);
                break;
        }
    }

    private static void WriteToolCall(Utf8JsonWriter w, int index, string? id, string? name, string arguments)
    {
        w.WriteStartArray("tool_calls"u8);
        w.WriteStartObject();
        w.WriteNumber("index"u8, index);
        if (id is not null)
        {
            w.WriteString("id"u8, id);
            w.WriteString("type"u8, "function"u8);
        }

        w.WriteStartObject("function"u8);
        if (name is not null)
        {
            w.WriteString("name"u8, name);
        }

        w.WriteString("arguments"u8, arguments);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private void ReadUsage(ReadOnlySpan<byte> data, ReadOnlySpan<byte> container)
    {
        if (UsageJsonReader.TryReadEnvelope(data, container, UsageDialect.Anthropic, readModel: false, out UsageEnvelope envelope) && envelope.HasUsage)
        {
            _usage = envelope.Usage;
        }
    }

    private void WriteChunk(IBufferWriter<byte> output, Action<Utf8JsonWriter> delta, string? finishReason = null)
    {
        output.Write("data: "u8);
        using (var w = new Utf8JsonWriter(output))
        {
            WriteHeader(w);
            w.WriteStartArray("choices"u8);
            w.WriteStartObject();
            w.WriteNumber("index"u8, 0);
            w.WriteStartObject("delta"u8);
            delta(w);
            w.WriteEndObject();
            w.WriteNull("logprobs"u8);
            WireJson.WriteStringOrNull(w, ChatCompletionsWire.FinishReason, finishReason);

            w.WriteEndObject();
            w.WriteEndArray();
            if (_includeUsage)
            {
                w.WriteNull("usage"u8);
            }

            w.WriteEndObject();
        }

        output.Write("\n\n"u8);
    }

    private void WriteUsageChunk(IBufferWriter<byte> output)
    {
        output.Write("data: "u8);
        using (var w = new Utf8JsonWriter(output))
        {
            WriteHeader(w);
            w.WriteStartArray("choices"u8);
            w.WriteEndArray();
            WireUsage.WriteChat(w, _usage.ToTokenUsage(UsageDialect.Anthropic));
            w.WriteEndObject();
        }

        output.Write("\n\n"u8);
    }

    private void WriteHeader(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, _id);
        w.WriteString("object"u8, "chat.completion.chunk"u8);
        w.WriteNumber("created"u8, _created);
        w.WriteString("model"u8, _model);
    }
}
