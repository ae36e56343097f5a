using System.Buffers;

namespace IronRuntime.Router.Streaming;

/// <summary>
/// Splits a byte stream of server-sent events into complete events, per the WHATWG "event stream" grammar, without
/// copying: line terminators CR, LF or CRLF; an optional UTF-8 BOM at the stream start; fields <c>event</c>,
/// <c>data</c> (repeatable), <c>id</c>, <c>retry</c>; comments starting with <c>:</c>; one optional space after the
/// colon stripped.
/// </summary>
/// <remarks>
/// <para>
/// Contract: pass a buffer that starts at the first byte not yet returned as part of an event. On
/// <see cref="SseReadStatus.Event"/> the buffer is advanced past the event; on <see cref="SseReadStatus.NeedMoreData"/>
/// it is left as is and the next call must pass a buffer with the same start (and more data). The reader remembers
/// how far it has scanned the pending event, so an event that arrives in many small pieces is scanned once.
/// </para>
/// <para>
/// An event ends at its blank line. A lone CR is a complete line terminator, so an event ending in CR is returned
/// at once even if an LF may follow; that LF is then returned on its own as an event with
/// <see cref="SseEvent.ContinuesPreviousTerminator"/> set, so every input byte belongs to exactly one event — unless
/// the caller said with <see cref="DropContinuation"/> that the event it ends was not forwarded, in which case the LF
/// is consumed silently. The continuation is the reader's state alone; a caller only forwards what it is given.
/// </para>
/// <para>Not thread-safe; one instance per stream.</para>
/// </remarks>
internal sealed partial class SseEventReader
{
    /// <summary>The default cap on the size of one event: 16 MiB.</summary>
    public const int DefaultMaxEventBytes = 16 * 1024 * 1024;

    private const byte CR = (byte)'\r';
    private const byte LF = (byte)'\n';
    private const int FieldHeadLength = 7; // "retry: " - the longest field name, its colon and a space

    private bool _atStreamStart = true;
    private bool _skipLeadingLf;
    private bool _dropLeadingLf;

    // Progress through the pending event (offsets from its first byte).
    private long _lineStart;
    private long _searched;
    private bool _lfPending;
    private bool _hasName;
    private long _nameStart;
    private long _nameLength;
    private int _dataLines;
    private long _dataStart;
    private long _dataEnd;
    private long _dataLength;
    private bool _hasId;
    private long _idStart;
    private long _idLength;
    private int _retry = -1;

    /// <summary>Creates a reader.</summary>
    /// <param name="maxEventBytes">The largest event accepted, in bytes, terminators included.</param>
    public SseEventReader(int maxEventBytes = DefaultMaxEventBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEventBytes);
        MaxEventBytes = maxEventBytes;
    }

    private enum Field
    {
        Ignored,
        Data,
        Event,
        Id,
        Retry,
    }

    /// <summary>The largest event accepted, in bytes.</summary>
    public int MaxEventBytes { get; }

    private static ReadOnlySpan<byte> LineBreaks => "\r\n"u8;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>Reads the next complete event from the start of <paramref name="buffer"/>.</summary>
    /// <param name="buffer">The unread input; advanced past the event when one is returned.</param>
    /// <param name="evt">The event, on <see cref="SseReadStatus.Event"/>; its slices point into <paramref name="buffer"/>.</param>
    /// <returns>Whether an event was read, more data is needed, or the pending event exceeds <see cref="MaxEventBytes"/>.</returns>
    public SseReadStatus TryReadEvent(ref ReadOnlySequence<byte> buffer, out SseEvent evt)
    {
        evt = default;

        if (_atStreamStart && !TryConsumeBom(buffer))
        {
            return SseReadStatus.NeedMoreData;
        }

        if (_skipLeadingLf)
        {
            if (buffer.IsEmpty)
            {
                return SseReadStatus.NeedMoreData;
            }

            _skipLeadingLf = false;
            bool drop = _dropLeadingLf;
            _dropLeadingLf = false;
            if (FirstByte(buffer) == LF && drop)
            {
                buffer = buffer.Slice(1); // the rest of a terminator whose event was not forwarded
            }
            else if (FirstByte(buffer) == LF)
            {
                ReadOnlySequence<byte> lf = buffer.Slice(0, 1);
                evt = new SseEvent(lf, default, false, default, 0, 0, default, false, -1, continuesPreviousTerminator: true);
                buffer = buffer.Slice(lf.End);
                return SseReadStatus.Event;
            }
        }

        var reader = new SequenceReader<byte>(buffer);
        reader.Advance(_lineStart);
        if (_lfPending)
        {
            if (!reader.TryPeek(out byte next))
            {
                return Incomplete(buffer);
            }

            if (next == LF)
            {
                reader.Advance(1);
            }

            _lfPending = false;
            _lineStart = _searched = reader.Consumed;
        }

        SequencePosition lineStartPosition = reader.Position;
        reader.Advance(_searched - _lineStart);

        while (true)
        {
            if (!reader.TryAdvanceToAny(LineBreaks, advancePastDelimiter: false))
            {
                _searched = buffer.Length;
                return Incomplete(buffer);
            }

            ReadOnlySequence<byte> line = buffer.Slice(lineStartPosition, reader.Position);
            long lineOffset = _lineStart;
            reader.TryRead(out byte terminator);
            bool crWasLast = false;
            if (terminator == CR)
            {
                if (reader.TryPeek(out byte next))
                {
                    if (next == LF)
                    {
                        reader.Advance(1);
                    }
                }
                else
                {
                    crWasLast = true;
                }
            }

            if (line.IsEmpty)
            {
                if (reader.Consumed > MaxEventBytes)
                {
                    return SseReadStatus.EventTooLarge;
                }

                evt = CreateEvent(buffer.Slice(buffer.Start, reader.Position));
                buffer = buffer.Slice(reader.Position);
                ResetEvent();
                _skipLeadingLf = crWasLast;
                _dropLeadingLf = false;
                return SseReadStatus.Event;
            }

            ProcessLine(line, lineOffset);
            _lineStart = _searched = reader.Consumed;
            lineStartPosition = reader.Position;

            if (crWasLast)
            {
                _lfPending = true;
                return Incomplete(buffer);
            }
        }
    }

    /// <summary>Forgets all state: the next buffer is treated as the start of a new stream.</summary>
    public void Reset()
    {
        ResetEvent();
        _atStreamStart = true;
        _skipLeadingLf = false;
        _dropLeadingLf = false;
    }

    /// <summary>
    /// Says that the event just returned is not forwarded as it came (dropped, or replaced by other bytes): if it
    /// ended in a CR whose LF has not arrived yet, that LF is consumed with it instead of being returned as a
    /// <see cref="SseEvent.ContinuesPreviousTerminator"/> event.
    /// </summary>
    public void DropContinuation() => _dropLeadingLf = _skipLeadingLf;

    /// <summary>Copies the data of <paramref name="evt"/>, its lines joined with LF, to <paramref name="destination"/>.</summary>
    /// <param name="evt">The event.</param>
    /// <param name="destination">At least <see cref="SseEvent.DataLength"/> bytes.</param>
    /// <returns>The number of bytes written.</returns>
    internal static int CopyJoinedData(in SseEvent evt, Span<byte> destination)
    {
        if (evt.DataLineCount <= 1)
        {
            evt.Data.CopyTo(destination);
            return (int)evt.Data.Length;
        }

        // The extent runs from the first value's start to the last value's end; lines after the first are whole
        // field lines, of which only data lines count.
        var reader = new SequenceReader<byte>(evt.Data);
        int written = 0;
        bool first = true;
        while (!reader.End)
        {
            if (reader.TryReadToAny(out ReadOnlySequence<byte> line, LineBreaks, advancePastDelimiter: false))
            {
                reader.TryRead(out byte terminator);
                if (terminator == CR && reader.IsNext(LF, advancePast: true))
                {
                    // CRLF consumed.
                }
            }
            else
            {
                line = reader.UnreadSequence;
                reader.AdvanceToEnd();
            }

            if (first)
            {
                line.CopyTo(destination);
                written = (int)line.Length;
                first = false;
                continue;
            }

            if (line.IsEmpty || ParseField(line, out int valueOffset) != Field.Data)
            {
                continue;
            }

            destination[written++] = LF;
            ReadOnlySequence<byte> value = line.Slice(valueOffset);
            value.CopyTo(destination[written..]);
            written += (int)value.Length;
        }

        return written;
    }

    private static byte FirstByte(in ReadOnlySequence<byte> buffer)
    {
        ReadOnlySpan<byte> first = buffer.FirstSpan;
        if (!first.IsEmpty)
        {
            return first[0];
        }

        var reader = new SequenceReader<byte>(buffer);
        reader.TryPeek(out byte value);
        return value;
    }

    private bool TryConsumeBom(in ReadOnlySequence<byte> buffer)
    {
        Span<byte> head = stackalloc byte[3];
        int length = (int)Math.Min(buffer.Length, 3);
        buffer.Slice(0, length).CopyTo(head);
        if (length < 3 && Utf8Bom.StartsWith(head[..length]))
        {
            return false; // could still become a BOM
        }

        _atStreamStart = false;
        if (head[..length].SequenceEqual(Utf8Bom))
        {
            _lineStart = _searched = Utf8Bom.Length;
        }

        return true;
    }

    private SseReadStatus Incomplete(in ReadOnlySequence<byte> buffer)
        => buffer.Length >= MaxEventBytes ? SseReadStatus.EventTooLarge : SseReadStatus.NeedMoreData;

    private SseEvent CreateEvent(in ReadOnlySequence<byte> raw) => new(
        raw,
        _hasName ? raw.Slice(_nameStart, _nameLength) : default,
        _hasName,
        _dataLines > 0 ? raw.Slice(_dataStart, _dataEnd - _dataStart) : default,
        _dataLines,
        _dataLength,
        _hasId ? raw.Slice(_idStart, _idLength) : default,
        _hasId,
        _retry,
        continuesPreviousTerminator: false);

    private void ResetEvent()
    {
        _lineStart = 0;
        _searched = 0;
        _lfPending = false;
        _hasName = false;
        _dataLines = 0;
        _dataLength = 0;
        _hasId = false;
        _retry = -1;
    }
}
