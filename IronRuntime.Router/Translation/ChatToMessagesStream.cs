using System.Buffers;
using System.Text.Json;
using IronRuntime.Router.Usage;
using IronRuntime.Router.Wire;

namespace IronRuntime.Router.Translation;

/// <summary>
/// An OpenAI Chat Completions stream (asked with <c>include_usage</c>) as an Anthropic Messages stream: the first chunk
/// gives <c>message_start</c>, content deltas a text block, tool-call deltas <c>tool_use</c> blocks with
/// <c>input_json_delta</c>s, and <c>[DONE]</c> the closing <c>message_delta</c> (stop reason, usage) and
/// <c>message_stop</c>. An OpenAI error event becomes an Anthropic <c>error</c> event.
/// </summary>
internal sealed class ChatToMessagesStream : ISseTranslator
{
    private bool _started;
    private int _blockIndex = -1;
    private bool _textOpen;
    private bool _toolOpen;
    private UsageParts _usage;
    private string? _finishReason;

    /// <inheritdoc />
    public void Translate(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        if (data.SequenceEqual(ChatCompletionsWire.Done))
        {
            CloseBlock(output);
            Write(output, MessagesWire.MessageDelta, w =>
            {
                w.WriteString(WireJson.Type, MessagesWire.MessageDelta);
                w.WriteStartObject(MessagesWire.Delta);
                w.WriteString("stop_reason"u8, StopReasons.ToAnthropic(_finishReason));
                w.WriteNull("stop_sequence"u8);
                w.WriteEndObject();
                WireUsage.WriteAnthropic(w, _usage.ToTokenUsage(UsageDialect.OpenAIChat));
            });
            Write(output, MessagesWire.MessageStop, static w => w.WriteString(WireJson.Type, MessagesWire.MessageStop));
            return;
        }

        var reader = new Utf8JsonReader(data);
        using var doc = JsonDocument.ParseValue(ref reader);
        var root = doc.RootElement;
        if (root.TryGetProperty(WireJson.Error, out var error) && error.ValueKind == JsonValueKind.Object)
        {
            output.Write("event: error\ndata: "u8);
            output.Write(Errors.ProviderErrors.Body(true, error.TryGetProperty(WireJson.Type, out var et) ? et.GetString() ?? "api_error" : "api_error", null,
                error.TryGetProperty("message", out var em) ? em.GetString() ?? string.Empty : string.Empty));
            output.Write("\n\n"u8);
            return;
        }

        if (!_started)
        {
            _started = true;
            string id = root.TryGetProperty("id", out var i) ? i.GetString() ?? string.Empty : string.Empty;
            string model = root.TryGetProperty(WireJson.Model, out var m) ? m.GetString() ?? string.Empty : string.Empty;
            Write(output, MessagesWire.MessageStart, w =>
            {
                w.WriteString(WireJson.Type, MessagesWire.MessageStart);
                w.WriteStartObject(MessagesWire.Message);
                w.WriteString("id"u8, id);
                w.WriteString(WireJson.Type, "message"u8);
                w.WriteString("role"u8, "assistant"u8);
                w.WriteString(WireJson.Model, model);
                w.WriteStartArray(MessagesWire.Content);
                w.WriteEndArray();
                w.WriteNull("stop_reason"u8);
                w.WriteNull("stop_sequence"u8);
                WireUsage.WriteAnthropic(w, default);
                w.WriteEndObject();
            });
        }

        if (root.TryGetProperty(WireJson.Usage, out var usage) && usage.ValueKind == JsonValueKind.Object
            && UsageJsonReader.TryReadEnvelope(data, default, UsageDialect.OpenAIChat, readModel: false, out UsageEnvelope envelope) && envelope.HasUsage)
        {
            _usage = envelope.Usage;
        }

        if (!root.TryGetProperty(ChatCompletionsWire.Choices, out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0)
        {
            return;
        }

        var choice = choices[0];
        if (choice.TryGetProperty(ChatCompletionsWire.FinishReason, out var finish) && finish.ValueKind == JsonValueKind.String)
        {
            _finishReason = finish.GetString();
        }

        if (!choice.TryGetProperty(ChatCompletionsWire.Delta, out var delta))
        {
            return;
        }

        if (delta.TryGetProperty(ChatCompletionsWire.Content, out var content) && content.ValueKind == JsonValueKind.String && content.GetString() is { Length: > 0 } text)
        {
            if (!_textOpen)
            {
                CloseBlock(output);
                _blockIndex++;
                _textOpen = true;
                int index = _blockIndex;
                Write(output, MessagesWire.ContentBlockStart, w =>
                {
                    w.WriteString(WireJson.Type, MessagesWire.ContentBlockStart);
                    w.WriteNumber(WireJson.Index, index);
                    w.WriteStartObject(MessagesWire.ContentBlock);
                    w.WriteString(WireJson.Type, "text"u8);
                    w.WriteString(MessagesWire.Text, ""u8);
                    w.WriteEndObject();
                });
            }

            WriteDelta(output, "text_delta"u8, "text"u8, text);
        }

        if (delta.TryGetProperty(ChatCompletionsWire.ToolCalls, out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in calls.EnumerateArray())
            {
                var function = call.TryGetProperty(ChatCompletionsWire.Function, out var f) ? f : default;
                if (call.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
                {
                    CloseBlock(output);
                    _blockIndex++;
                    _toolOpen = true;
                    int index = _blockIndex;
                    string toolId = id.GetString()!;
                    string name = function.ValueKind == JsonValueKind.Object && function.TryGetProperty("name", out var n) ? n.GetString() ?? string.Empty : string.Empty;
                    Write(output, MessagesWire.ContentBlockStart, w =>
                    {
                        w.WriteString(WireJson.Type, MessagesWire.ContentBlockStart);
                        w.WriteNumber(WireJson.Index, index);
                        w.WriteStartObject(MessagesWire.ContentBlock);
                        w.WriteString(WireJson.Type, "tool_use"u8);
                        w.WriteString("id"u8, toolId);
                        w.WriteString("name"u8, name);
                        w.WriteStartObject(MessagesWire.Input);
                        w.WriteEndObject();
                        w.WriteEndObject();
                    });
                }

                if (_toolOpen && function.ValueKind == JsonValueKind.Object && function.TryGetProperty(ChatCompletionsWire.Arguments, out var args)
                    && args.GetString() is { Length: > 0 } partial)
                {
                    WriteDelta(output, "input_json_delta"u8, "partial_json"u8, partial);
                }
            }
        }
    }

    private static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> name, Action<Utf8JsonWriter> body)
    {
        output.Write("event: "u8);
        output.Write(name);
        output.Write("\ndata: "u8);
        using (var w = new Utf8JsonWriter(output))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        output.Write("\n\n"u8);
    }

    private void WriteDelta(IBufferWriter<byte> output, ReadOnlySpan<byte> deltaType, ReadOnlySpan<byte> field, string value)
    {
        output.Write("event: content_block_delta\ndata: "u8);
        using (var w = new Utf8JsonWriter(output))
        {
            w.WriteStartObject();
            w.WriteString(WireJson.Type, MessagesWire.ContentBlockDelta);
            w.WriteNumber(WireJson.Index, _blockIndex);
            w.WriteStartObject(MessagesWire.Delta);
            w.WriteString(WireJson.Type, deltaType);
            w.WriteString(field, value);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        output.Write("\n\n"u8);
    }

    private void CloseBlock(IBufferWriter<byte> output)
    {
        if (!_textOpen && !_toolOpen)
        {
            return;
        }

        int index = _blockIndex;
        _textOpen = _toolOpen = false;
        Write(output, MessagesWire.ContentBlockStop, w =>
        {
            w.WriteString(WireJson.Type, MessagesWire.ContentBlockStop);
            w.WriteNumber(WireJson.Index, index);
        });
    }
}
