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
        switch (EventOf(root))
        {
            case Event.MessageStart:
                var message = root.GetProperty(MessagesWire.Message);
                _id = message.TryGetProperty("id", out var id) ? id.GetString() ?? string.Empty : string.Empty;
                _model = message.TryGetProperty(WireJson.Model, out var model) ? model.GetString() ?? string.Empty : string.Empty;
                ReadUsage(data, MessagesWire.Message);
                WriteChunk(output, static w =>
                {
                    w.WriteString("role"u8, "assistant"u8);
                    w.WriteString(ChatCompletionsWire.Content, ""u8);
                });
                break;

            case Event.ContentBlockStart:
                var block = root.GetProperty(MessagesWire.ContentBlock);
                if (block.TryGetProperty(WireJson.Type, out var blockType) && blockType.ValueEquals("tool_use"u8))
                {
                    int index = _toolIndexes.Count;
                    _toolIndexes[root.GetProperty(WireJson.Index).GetInt32()] = index;
                    string toolId = block.GetProperty("id").GetString()!;
                    string name = block.GetProperty("name").GetString()!;
                    WriteChunk(output, w => WriteToolCall(w, index, toolId, name, string.Empty));
                }

                break;

            case Event.ContentBlockDelta:
                var delta = root.GetProperty(MessagesWire.Delta);
                string? deltaType = delta.TryGetProperty(WireJson.Type, out var dt) ? dt.GetString() : null;
                if (deltaType == "text_delta")
                {
                    string text = delta.GetProperty(MessagesWire.Text).GetString()!;
                    WriteChunk(output, w => w.WriteString(ChatCompletionsWire.Content, text));
                }
                else if (deltaType == "input_json_delta" && _toolIndexes.TryGetValue(root.GetProperty(WireJson.Index).GetInt32(), out int toolIndex))
                {
                    string partial = delta.GetProperty(MessagesWire.PartialJson).GetString()!;
                    WriteChunk(output, w => WriteToolCall(w, toolIndex, null, null, partial));
                }

                break;

            case Event.MessageDelta:
                if (root.TryGetProperty(MessagesWire.Delta, out var messageDelta) && messageDelta.TryGetProperty("stop_reason", out var stop) && stop.ValueKind == JsonValueKind.String)
                {
                    _stopReason = stop.GetString();
                }

                if (UsageJsonReader.TryReadEnvelope(data, default, UsageDialect.Anthropic, readModel: false, out UsageEnvelope envelope) && envelope.HasUsage)
                {
                    _usage.Update(envelope.Usage);
                }

                break;

            case Event.MessageStop:
                WriteChunk(output, static _ => { }, StopReasons.ToChat(_stopReason));
                if (_includeUsage)
                {
                    WriteUsageChunk(output);
                }

                output.Write("data: [DONE]\n\n"u8);
                break;

            case Event.Error:
                var error = root.GetProperty(WireJson.Error);
                output.Write("data: "u8);
                output.Write(Errors.ProviderErrors.Body(false, error.GetProperty(WireJson.Type).GetString() ?? "api_error", null, error.GetProperty("message"u8).GetString() ?? string.Empty));
                output.Write("\n\n"u8);
                break;
        }
    }

    private enum Event
    {
        Other,
        MessageStart,
        ContentBlockStart,
        ContentBlockDelta,
        MessageDelta,
        MessageStop,
        Error,
    }

    private static Event EventOf(JsonElement root)
    {
        if (!root.TryGetProperty(WireJson.Type, out JsonElement type) || type.ValueKind != JsonValueKind.String)
        {
            return Event.Other;
        }

        return type.ValueEquals(MessagesWire.MessageStart) ? Event.MessageStart
            : type.ValueEquals(MessagesWire.ContentBlockStart) ? Event.ContentBlockStart
            : type.ValueEquals(MessagesWire.ContentBlockDelta) ? Event.ContentBlockDelta
            : type.ValueEquals(MessagesWire.MessageDelta) ? Event.MessageDelta
            : type.ValueEquals(MessagesWire.MessageStop) ? Event.MessageStop
            : type.ValueEquals(WireJson.Error) ? Event.Error
            : Event.Other;
    }

    private static void WriteToolCall(Utf8JsonWriter w, int index, string? id, string? name, string arguments)
    {
        w.WriteStartArray(ChatCompletionsWire.ToolCalls);
        w.WriteStartObject();
        w.WriteNumber(WireJson.Index, index);
        if (id is not null)
        {
            w.WriteString("id"u8, id);
            w.WriteString(WireJson.Type, "function"u8);
        }

        w.WriteStartObject(ChatCompletionsWire.Function);
        if (name is not null)
        {
            w.WriteString("name"u8, name);
        }

        w.WriteString(ChatCompletionsWire.Arguments, arguments);
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
            w.WriteStartArray(ChatCompletionsWire.Choices);
            w.WriteStartObject();
            w.WriteNumber(WireJson.Index, 0);
            w.WriteStartObject(ChatCompletionsWire.Delta);
            delta(w);
            w.WriteEndObject();
            w.WriteNull("logprobs"u8);
            WireJson.WriteStringOrNull(w, ChatCompletionsWire.FinishReason, finishReason);

            w.WriteEndObject();
            w.WriteEndArray();
            if (_includeUsage)
            {
                w.WriteNull(WireJson.Usage);
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
            w.WriteStartArray(ChatCompletionsWire.Choices);
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
        w.WriteString(WireJson.Model, _model);
    }
}
