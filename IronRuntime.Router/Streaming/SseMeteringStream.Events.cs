using System.Buffers;
using IronRuntime.Router.Content;

namespace IronRuntime.Router.Streaming;

/// <summary>Framing and forwarding: which bytes of the upstream the client receives, and the usage they report.</summary>
internal sealed partial class SseMeteringStream
{
    private ReadOnlySequence<byte> _buffer;      // the unparsed rest of the input
    private ReadOnlySequence<byte> _pending;     // bytes of the current event still to hand out
    private ReadOnlySequence<byte> _pendingTail; // the part of the current event after a cut, handed out after _pending
    private bool _holdingRead;
    private bool _upstreamCompleted;
    private bool _endAfterPending;

    private static void CopyOut(ref ReadOnlySequence<byte> source, Span<byte> destination, out int copied)
    {
        if (source.IsSingleSegment)
        {
            ReadOnlySpan<byte> span = source.FirstSpan;
            copied = Math.Min(span.Length, destination.Length);
            span[..copied].CopyTo(destination);
        }
        else
        {
            copied = (int)Math.Min(source.Length, destination.Length);
            source.Slice(0, copied).CopyTo(destination);
        }

        source = source.Slice(copied);
    }

    private static ReadOnlySpan<byte> CopyName(in SseEvent evt, Span<byte> destination)
    {
        int length = (int)Math.Min(evt.Name.Length, destination.Length);
        evt.Name.Slice(0, length).CopyTo(destination);
        return destination[..length];
    }

    /// <summary>
    /// Hands out buffered complete events. Returns with <paramref name="needRead"/> set only when nothing could be
    /// handed out and the upstream must be read (the consumed input has then been released). With an empty
    /// <paramref name="destination"/> (a zero-byte read) it returns as soon as an event is ready to hand out.
    /// </summary>
    private int ReadBuffered(Span<byte> destination, out bool needRead)
    {
        needRead = false;
        int written = 0;
        while (true)
        {
            if (!_pending.IsEmpty)
            {
                written += Drain(destination[written..]);
                if (!_pending.IsEmpty)
                {
                    return written; // the caller's buffer is full
                }

                if (_endAfterPending)
                {
                    // A final error event (content blocked or unparseable, or a timeout) has been handed out.
                    OnContentEnded();
                    return written;
                }
            }

            if (!_holdingRead)
            {
                needRead = written == 0 && _state == State.Streaming;
                return written;
            }

            SseReadStatus status = _events.TryReadEvent(ref _buffer, out SseEvent evt);
            if (status == SseReadStatus.Event)
            {
                OnEvent(evt);
                continue;
            }

            if (status == SseReadStatus.EventTooLarge)
            {
                throw Fail($"An event of the upstream stream exceeded the limit of {_events.MaxEventBytes} bytes.", null);
            }

            if (written > 0)
            {
                return written; // do not wait for the next event while holding complete ones
            }

            if (_upstreamCompleted)
            {
                if (_content is not null && _content.FlushAtEnd())
                {
                    _pending = new ReadOnlySequence<byte>(_content.Output);
                    continue; // text a scanner still held goes out before the end
                }

                OnUpstreamEnded();
                return 0;
            }

            // No complete event buffered: everything before the partial event was handed out; release it (the whole
            // buffer when nothing is left) and read more.
            _input.AdvanceTo(_buffer.Start);
            _holdingRead = false;
            _buffer = default;
            needRead = true;
            return 0;
        }
    }

    private int Drain(Span<byte> destination)
    {
        int total = 0;
        while (!_pending.IsEmpty && !destination.IsEmpty)
        {
            CopyOut(ref _pending, destination, out int copied);
            destination = destination[copied..];
            total += copied;
            if (_pending.IsEmpty)
            {
                _pending = _pendingTail;
                _pendingTail = default;
            }
        }

        return total;
    }

    private void OnEvent(in SseEvent evt)
    {
        if (evt.ContinuesPreviousTerminator)
        {
            // The LF of a CRLF whose CR ended a forwarded event (the reader drops it after an event we did not forward).
            _pending = evt.Raw;
            return;
        }

        if (_content is not null && evt.HasData)
        {
            OnFilteredEvent(evt);
            return;
        }

        SseEventFacts facts = evt.HasData ? Meter(evt) : default;
        Forward(evt, facts);
    }

    /// <summary>Hands out the event as is, or without the injected usage (cut or dropped).</summary>
    private void Forward(in SseEvent evt, in SseEventFacts facts)
    {
        if (_removeInjectedUsage && evt.DataLineCount == 1)
        {
            if (facts.IsUsageOnlyChunk)
            {
                _events.DropContinuation();
                return;
            }

            if (facts.UsageCutLength > 0)
            {
                ReadOnlySequence<byte> raw = evt.Raw;
                SequencePosition cutStart = evt.Data.GetPosition(facts.UsageCutStart);
                SequencePosition cutEnd = evt.Data.GetPosition(facts.UsageCutStart + facts.UsageCutLength);
                _pending = raw.Slice(raw.Start, cutStart);
                _pendingTail = raw.Slice(cutEnd);
                if (_pending.IsEmpty)
                {
                    _pending = _pendingTail;
                    _pendingTail = default;
                }

                return;
            }
        }

        _pending = evt.Raw;
    }

    /// <summary>The path with a content filter: meter, then let the filter keep, rewrite or end.</summary>
    private void OnFilteredEvent(in SseEvent evt)
    {
        Span<byte> nameCopy = stackalloc byte[64];
        ReadOnlySpan<byte> name = evt.Name.IsSingleSegment ? evt.Name.FirstSpan : CopyName(evt, nameCopy);
        byte[]? rented = null;
        try
        {
            ReadOnlySpan<byte> data;
            if (!evt.TryGetContiguousData(out data))
            {
                rented = ArrayPool<byte>.Shared.Rent(checked((int)evt.DataLength));
                data = rented.AsSpan(0, evt.CopyDataTo(rented));
            }

            SseEventFacts facts = Meter(name, data);
            bool single = _removeInjectedUsage && evt.DataLineCount == 1;
            bool drop = single && facts.IsUsageOnlyChunk;
            int cutLength = single && !drop ? facts.UsageCutLength : 0;
            switch (_content!.OnEvent(evt, name, data, new SseUsageCut(facts.UsageCutStart, cutLength, drop)))
            {
                case SseFilterAction.PassRaw:
                    Forward(evt, facts);
                    break;
                case SseFilterAction.End:
                    _pending = new ReadOnlySequence<byte>(_content.Output);
                    _events.DropContinuation();
                    _endAfterPending = true;
                    break;
                default:
                    _pending = new ReadOnlySequence<byte>(_content.Output);
                    _events.DropContinuation();
                    break;
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private SseEventFacts Meter(ReadOnlySpan<byte> name, ReadOnlySpan<byte> data)
    {
        SseEventFacts facts = _usage.Feed(name, data);
        if (facts.UsageUpdated)
        {
            _call.Usage = _usage.Usage;
            _call.UsageReported = _usage.Reported;
            _call.ReleaseBodyOnceInputReported();
        }

        if (_call.ResponseModel is null && _usage.Model is not null)
        {
            _call.ResponseModel = _usage.Model;
        }

        return facts;
    }

    private SseEventFacts Meter(in SseEvent evt)
        => evt.TryGetContiguousData(out ReadOnlySpan<byte> data) && (!evt.HasName || evt.Name.IsSingleSegment)
            ? Meter(evt.Name.FirstSpan, data)
            : MeterCopied(evt);

    /// <summary>The rare path: data over several lines is joined into a pooled buffer first.</summary>
    private SseEventFacts MeterCopied(in SseEvent evt)
    {
        Span<byte> name = stackalloc byte[64];
        ReadOnlySpan<byte> eventName = CopyName(evt, name);
        int length = checked((int)evt.DataLength);
        byte[] rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            int copied = evt.CopyDataTo(rented);
            return Meter(eventName, rented.AsSpan(0, copied));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
