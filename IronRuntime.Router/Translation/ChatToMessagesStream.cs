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
        if (data.SequenceEqual("[DONE]"u8))
        {
            CloseBlock(output);
            Write(output, "message_delta"u8, w =>
            {
                w.WriteString("type"u8, "message_delta"u8);
                w.WriteStartObject("delta"u8);
                w.WriteString("stop_reason"u8, StopReasons.ToAnthropic(_finishReason));
                w.WriteNull("stop_sequence"u8);
                w.WriteEndObject();
                WireUsage.WriteAnthropic(w, _usage.ToTokenUsage(UsageDialect.OpenAIChat));
            });
            Write(output, "message_stop"u8, static w => w.WriteString("type"u8, "message_stop"u8));
            return;
        }

        var reader = new Utf8JsonReader(data);
        using var doc = JsonDocument.ParseValue(ref reader);
        var root = doc.RootElement;
        if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            output.Write("event: error\ndata: "u8);
            output.Write(Errors.ProviderErrors.Body(true, error.TryGetProperty("type", out var et) ? et.GetString() ?? "api_error" : "api_error", null,
                error.TryGetProperty("message", out var em) ? em.GetString() ?? string.Empty : string.Empty));
            output.Write("\n\n"u8);
            return;
        }

        if (!_started)
        {
            _started = true;
            string id = root.TryGetProperty("id", out var i) ? i.GetString() ?? string.Empty : string.Empty;
            string model = root.TryGetProperty("model", out var m) ? m.GetString() ?? string.Empty : string.Empty;
            Write(output, "message_start"u8, w =>
            {
                w.WriteString("type"u8, "message_start"u8);
                w.WriteStartObject("message"u8);
                w.WriteString("id"u8, id);
                w.WriteString("type"u8, "message"u8);
                w.WriteString("role"u8, "assistant"u8);
                w.WriteString("model"u8, model);
                w.WriteStartArray("content"u8);
                w.WriteEndArray();
                w.WriteNull("stop_reason"u8);
                w.WriteNull("stop_sequence"u8);
                WireUsage.WriteAnthropic(w, default);
                w.WriteEndObject();
            });
        }

        if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object
            && UsageJsonReader.TryReadEnvelope(data, default, UsageDialect.OpenAIChat, readModel: false, out UsageEnvelope envelope) && envelope.HasUsage)
        {
            _usage = envelope.Usage;
        }

        if (!root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0)
        {
            return;
        }

        var choice = choices[0];
        if (choice.TryGetProperty("finish_reason", out var finish) && finish.ValueKind == JsonValueKind.String)
        {
            _finishReason = finish.GetString();
        }

        if (!choice.TryGetProperty("delta", out var delta))
        {
            return;
        }

        if (delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String && content.GetString() is { Length: > 0 } text)
        {
            if (!_textOpen)
            {
                CloseBlock(output);
                _blockIndex++;
                _textOpen = true;
                int index = _blockIndex;
                Write(output, "content_block_start"u8, w =>
                {
                    w.WriteString("type"u8, "content_block_start"u8);
                    w.WriteNumber("index"u8, index);
                    w.WriteStartObject("content_block"u8);
                    w.WriteString("type"u8, "text"u8);
                    w.WriteString("text"u8, ""u8);
                    w.WriteEndObject();
                });
            }

            WriteDelta(output, "text_delta"u8, "text"u8, text);
        }

        if (delta.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in calls.EnumerateArray())
            {
                var function = call.TryGetProperty("function", out var f) ? f : default;
                if (call.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
                {
                    CloseBlock(output);
                    _blockIndex++;
                    _toolOpen = true;
                    int index = _blockIndex;
                    string toolId = id.GetString()!;
                    string name = function.ValueKind == JsonValueKind.Object && function.TryGetProperty("name", out var n) ? n.GetString() ?? string.Empty : string.Empty;
                    Write(output, "content_block_start"u8, w =>
                    {
                        w.WriteString("type"u8, "content_block_start"u8);
                        w.WriteNumber("index"u8, index);
                        w.WriteStartObject("content_block"u8);
                        w.WriteString("type"u8, "tool_use"u8);
                        w.WriteString("id"u8, toolId);
                        w.WriteString("name"u8, name);
                        w.WriteStartObject("input"u8);
                        w.WriteEndObject();
                        w.WriteEndObject();
                    });
                }

                if (_toolOpen && function.ValueKind == JsonValueKind.Object && function.TryGetProperty("arguments", out var args)
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
            w.WriteString("type"u8, "content_block_delta"u8);
            w.WriteNumber("index"u8, _blockIndex);
            w.WriteStartObject("delta"u8);
            w.WriteString("type"u8, deltaType);
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
        Write(output, "content_block_stop"u8, w =>
        {
            w.WriteString("type"u8, "content_block_stop"u8);
            w.WriteNumber("index"u8, index);
        });
    }
}
