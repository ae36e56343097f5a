using System.Buffers;
using System.Text.Json;
using IronRuntime.Router.Streaming;

namespace IronRuntime.Router.Content;

/// <summary>
/// Applies an <see cref="ILlmContentFilter"/> to a server-sent-event answer, event by event: the text of each
/// delta goes to the scanner of its logical stream (choice, content block, tool call); an event whose text changed is
/// written anew with the text re-escaped, every other event passes as its raw bytes.
/// </summary>
/// <remarks>
/// <para>
/// Text a scanner holds back is released with a later delta of the same stream; when the stream ends (finish reason,
/// <c>content_block_stop</c>, <c>*.done</c>, the terminal event or the end of the upstream) it is flushed in an extra
/// event cloned from the stream's last delta. Snapshots that repeat the text (Responses <c>*.done</c>,
/// <c>response.completed</c>) are rewritten the same way by scanners that count nothing.
/// </para>
/// <para>A scanner that blocks, or (when failing closed) an event that cannot be parsed, ends the stream with a provider-shaped error event.</para>
/// </remarks>
internal sealed partial class SseContentFilter : IDisposable
{
    private const int MaxDepth = 64;

    private readonly ILlmContentFilter _filter;
    private readonly LlmCall _call;
    private readonly bool _failClosed;
    private readonly List<TextStream> _streams = [];
    private readonly List<SseTextSlot> _slots = [];
    private readonly List<JsonEdit> _edits = [];
    private readonly ArrayBufferWriter<byte> _output = new(1024);
    private readonly ArrayBufferWriter<byte> _piece = new(256);
    private readonly ArrayBufferWriter<byte> _replacements = new(256);
    private readonly ArrayBufferWriter<byte> _eventData = new(1024);
    private readonly JsonContentRewriter _snapshots = new();
    private bool _endFlushed;

    public SseContentFilter(ILlmContentFilter filter, LlmCall call)
    {
        _filter = filter;
        _call = call;
        _failClosed = filter.FailClosed(call, LlmContentDirection.Response);
    }

    /// <summary>The bytes to forward after <see cref="SseFilterAction.Replace"/> or <see cref="SseFilterAction.End"/>; valid until the next call.</summary>
    public ReadOnlyMemory<byte> Output => _output.WrittenMemory;

    /// <summary>Looks at one complete event with data.</summary>
    /// <param name="evt">The event.</param>
    /// <param name="name">Its <c>event:</c> name (empty when none).</param>
    /// <param name="data">Its data, lines joined.</param>
    /// <param name="cut">What the router injected into the event and must not forward (Chat Completions only).</param>
    /// <returns>What to forward.</returns>
    public SseFilterAction OnEvent(in SseEvent evt, ReadOnlySpan<byte> name, ReadOnlySpan<byte> data, SseUsageCut cut)
    {
        _output.ResetWrittenCount();
        _slots.Clear();
        try
        {
            return _call.Api switch
            {
                LlmApi.ChatCompletions => OnChat(evt, name, data, cut),
                LlmApi.Responses => OnResponses(evt, name, data),
                LlmApi.Messages => OnMessages(evt, name, data),
                _ => SseFilterAction.PassRaw,
            };
        }
        catch (JsonException)
        {
            return Unparsed();
        }
    }

    /// <summary>At the end of the upstream: flushes every open stream once. True when there is output to forward.</summary>
    public bool FlushAtEnd()
    {
        if (_endFlushed)
        {
            return false;
        }

        _endFlushed = true;
        _output.ResetWrittenCount();
        return FlushWhere(SseStreamSelector.All) == SseFilterAction.Replace && _output.WrittenCount > 0;
    }

    public void Dispose()
    {
        foreach (TextStream stream in _streams)
        {
            stream.Dispose();
        }

        _streams.Clear();
    }

    /// <summary>Scans the event's slots, flushes the streams <paramref name="closes"/> selects, and builds the output without what <paramref name="cut"/> names.</summary>
    private SseFilterAction Process(in SseEvent evt, ReadOnlySpan<byte> name, ReadOnlySpan<byte> data, SseStreamSelector closes, SseUsageCut cut)
    {
        _edits.Clear();
        _replacements.ResetWrittenCount();

        // Streams that end with this event but have no text in it are flushed first, in extra events.
        if (!closes.IsNone)
        {
            SseFilterAction flushed = FlushWhere(closes, withoutSlot: true);
            if (flushed == SseFilterAction.End)
            {
                return flushed;
            }
        }

        foreach (SseTextSlot slot in _slots)
        {
            TextStream stream = Get(slot.Key);
            bool final = closes.Selects(slot.Key);
            byte[]? scratch = null;
            try
            {
                ReadOnlySpan<byte> token = data.Slice(slot.Start, slot.Length);
                ReadOnlySpan<byte> text = JsonText.Unescape(token, slot.Escaped, ref scratch);
                _piece.ResetWrittenCount();
                LlmTextScanStatus status = stream.Scanner.Scan(text, final, _piece);
                if (status == LlmTextScanStatus.Blocked)
                {
                    return Block(stream.Scanner.BlockedEntityTypes);
                }

                if (status == LlmTextScanStatus.Rewritten)
                {
                    int at = _replacements.WrittenCount;
                    JsonText.WriteString(_piece.WrittenSpan, _replacements);
                    _edits.Add(new JsonEdit(slot.Start, slot.Length, at, _replacements.WrittenCount - at));
                    stream.KeepTemplate(name, data, slot.Start, slot.Length);
                }
            }
            finally
            {
                if (scratch is not null)
                {
                    ArrayPool<byte>.Shared.Return(scratch);
                }
            }

            if (final)
            {
                Close(stream);
            }
        }

        if (_edits.Count == 0 && _output.WrittenCount == 0)
        {
            return SseFilterAction.PassRaw;
        }

        if (!cut.Drop)
        {
            if (cut.Length > 0)
            {
                _edits.Sort(static (a, b) => a.Start.CompareTo(b.Start));
                int at = 0;
                while (at < _edits.Count && _edits[at].Start < cut.Start)
                {
                    at++;
                }

                _edits.Insert(at, new JsonEdit(cut.Start, cut.Length, 0, 0));
            }

            if (_edits.Count == 0)
            {
                WriteRaw(evt);
            }
            else
            {
                WriteEvent(evt, name, data);
            }
        }

        return SseFilterAction.Replace;
    }

    private bool HasSlot(SseTextStreamKey key)
    {
        foreach (SseTextSlot slot in _slots)
        {
            if (slot.Key == key)
            {
                return true;
            }
        }

        return false;
    }

    private TextStream Get(SseTextStreamKey key)
    {
        foreach (TextStream stream in _streams)
        {
            if (stream.Key == key)
            {
                return stream;
            }
        }

        var created = new TextStream(key, _filter.CreateScanner(_call, LlmContentDirection.Response, repeatsScannedText: false));
        _streams.Add(created);
        return created;
    }

    private void Close(TextStream stream)
    {
        _streams.Remove(stream);
        stream.Dispose();
    }

    /// <summary>
    /// Flushes the held text of the streams <paramref name="selects"/> into extra events and closes them; with
    /// <paramref name="withoutSlot"/> only those that have no text in the current event.
    /// </summary>
    private SseFilterAction FlushWhere(SseStreamSelector selects, bool withoutSlot = false)
    {
        for (int i = 0; i < _streams.Count; i++)
        {
            TextStream stream = _streams[i];
            if (!selects.Selects(stream.Key) || (withoutSlot && HasSlot(stream.Key)))
            {
                continue;
            }

            _piece.ResetWrittenCount();
            LlmTextScanStatus status = stream.Scanner.Scan([], isFinal: true, _piece);
            if (status == LlmTextScanStatus.Blocked)
            {
                return Block(stream.Scanner.BlockedEntityTypes);
            }

            if (status == LlmTextScanStatus.Rewritten && _piece.WrittenCount > 0 && stream.HasTemplate)
            {
                _replacements.ResetWrittenCount();
                JsonText.WriteString(_piece.WrittenSpan, _replacements);
                JsonEdit edit = new(stream.SlotStart, stream.SlotLength, 0, _replacements.WrittenCount);
                WriteEvent(stream.TemplateName, stream.TemplateData, [edit], _replacements.WrittenSpan);
            }

            Close(stream);
            i--;
        }

        return SseFilterAction.Replace;
    }

    private SseFilterAction Unparsed()
    {
        if (!_failClosed)
        {
            return SseFilterAction.PassRaw;
        }

        _output.ResetWrittenCount();
        WriteError("IronRuntime could not parse an event of the provider's stream, so it ended the stream rather than pass it on unscanned.", "unparsed_content");
        return SseFilterAction.End;
    }

    private SseFilterAction Block(IReadOnlyList<string> entityTypes)
    {
        _output.ResetWrittenCount();
        WriteError(ContentErrors.BlockedMessage(LlmContentDirection.Response, entityTypes), ContentErrors.BlockedCode);
        return SseFilterAction.End;
    }

    private void WriteError(string message, string code)
    {
        _output.Write(ContentErrors.StreamErrorEvent(_call.Api, message, code));
        Dispose();
    }

    private void WriteEvent(in SseEvent evt, ReadOnlySpan<byte> name, ReadOnlySpan<byte> data)
    {
        _edits.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        WriteEvent(evt.HasName ? name : default, data, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_edits), _replacements.WrittenSpan);
    }

    /// <summary>Writes an event: its name line, the edited data as data lines, the blank line.</summary>
    private void WriteEvent(ReadOnlySpan<byte> name, ReadOnlySpan<byte> data, ReadOnlySpan<JsonEdit> edits, ReadOnlySpan<byte> replacements)
    {
        _eventData.ResetWrittenCount();
        JsonEdit.Apply(data, edits, replacements, _eventData);
        if (!name.IsEmpty)
        {
            _output.Write("event: "u8);
            _output.Write(name);
            _output.Write("\n"u8);
        }

        ReadOnlySpan<byte> rest = _eventData.WrittenSpan;
        while (true)
        {
            int lf = rest.IndexOf((byte)'\n');
            _output.Write("data: "u8);
            _output.Write(lf < 0 ? rest : rest[..lf]);
            _output.Write("\n"u8);
            if (lf < 0)
            {
                break;
            }

            rest = rest[(lf + 1)..];
        }

        _output.Write("\n"u8);
    }

    /// <summary>Copies the raw event to the output as it is (after extra flush events).</summary>
    private void WriteRaw(in SseEvent evt)
    {
        ReadOnlySequence<byte> raw = evt.Raw;
        raw.CopyTo(_output.GetSpan((int)raw.Length));
        _output.Advance((int)raw.Length);
    }
}
