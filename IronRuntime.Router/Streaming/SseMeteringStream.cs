using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using IronRuntime.Router.Content;
using IronRuntime.Router.Internal;

namespace IronRuntime.Router.Streaming;

/// <summary>
/// The stream a client reads a provider's server-sent-event response through: it forwards each event as soon as it
/// is complete, meters the usage it reports and completes the <see cref="LlmCall"/> exactly once.
/// </summary>
/// <remarks>
/// <para>
/// The upstream stream is read through a <see cref="PipeReader"/>; events are split with <see cref="SseEventReader"/>
/// and copied from the pipe's buffer straight into the caller's buffer. A read returns the bytes of complete events
/// only — never part of an event that has not fully arrived — and returns as soon as at least one complete event is
/// available; an event larger than the caller's buffer is handed out over several reads without parsing it again.
/// In steady state nothing is allocated per event.
/// </para>
/// <para>
/// When the router injected <c>stream_options.include_usage</c> (<see cref="LlmCall.InjectedStreamUsage"/>) into an
/// OpenAI chat request, the client receives exactly what it would have received without it: the <c>"usage":null</c>
/// member is cut out of every chunk (the event is handed out as the two pieces around the hole) and the final usage
/// chunk is dropped after its usage has been read.
/// </para>
/// <para>
/// Outcomes: <see cref="LlmCallOutcome.Succeeded"/> when upstream ends after the terminal event (or the stream is
/// disposed after the terminal event was handed out); <see cref="LlmCallOutcome.Failed"/> when upstream ends without
/// it, with a partial event pending, throws, or sends an event over the size cap (the last two surface as an
/// <see cref="IOException"/>); <see cref="LlmCallOutcome.Cancelled"/> when the reader cancels a read or disposes the
/// stream earlier. A call cut short is settled with <see cref="SseUsageAccumulator.EstimateUsage"/>.
/// </para>
/// <para>
/// With a <see cref="SseContentFilter"/> (a content policy is active for the answer), an event whose text the filter
/// changes is handed out as the filter's rewritten bytes instead, and the stream ends after an error event when the
/// filter blocks; unchanged events still go out as their raw bytes.
/// With <see cref="StreamTimeouts"/>, a wait for upstream bytes longer than the idle limit, or past the whole call's
/// deadline, ends the stream: the client receives one provider-shaped error event (type
/// <c>iron_runtime_stream_timeout</c>) after the last complete event, then the end of the stream, and the call is
/// completed as <see cref="LlmCallOutcome.Failed"/> with the usage received so far. One timer per stream, re-armed
/// per upstream read; nothing is allocated per event.
/// </para>
/// <para>One reader at a time, as for any stream; <see cref="Stream.Dispose()"/> may race with a read.</para>
/// </remarks>
internal sealed class SseMeteringStream : ReadOnlyStream
{
    /// <summary>The default cap on the size of one event: 16 MiB.</summary>
    public const int DefaultMaxEventBytes = SseEventReader.DefaultMaxEventBytes;

    /// <summary>The default size of the pipe's buffer segments.</summary>
    public const int DefaultPipeBufferSize = 16 * 1024;

    /// <summary>The error type of the event a timed-out stream ends with.</summary>
    public const string StreamTimeoutErrorType = "iron_runtime_stream_timeout";

    private const int MinimumReadSize = 2048;

    private readonly PipeReader _reader;
    private readonly LlmCall _call;
    private readonly ILlmCallCompletion _completion;
    private readonly SseEventReader _events;
    private readonly SseUsageAccumulator _usage;
    private readonly bool _removeInjectedUsage;
    private readonly Lock _lock = new();
    private readonly SseContentFilter? _content;
    private readonly StreamTimeouts? _timeouts;
    private readonly ITimer? _timer;

    private ReadOnlySequence<byte> _buffer;      // the unparsed rest of the held read result
    private ReadOnlySequence<byte> _pending;     // bytes of the current event still to hand out
    private ReadOnlySequence<byte> _pendingTail; // the part of the current event after a cut, handed out after _pending
    private bool _holdingRead;
    private bool _upstreamCompleted;
    private bool _droppedPrevious;
    private bool _readInFlight;
    private bool _readerCompleted;
    private bool _endAfterPending;
    private int _callCompleted;
    private State _state;
    private string? _failure;
    private bool _timerArmed;        // guarded by _lock: a wait for upstream bytes is being timed
    private bool _armedForDeadline;  // the armed wait ends at the call's deadline rather than the idle limit
    private int _timerFired;         // sticky: once a limit ran out, the upstream read was (or will be) cancelled

    /// <summary>Creates the stream.</summary>
    /// <param name="upstream">The provider's response body; owned (disposed) by this stream.</param>
    /// <param name="call">The call being streamed; its usage and response model are kept current.</param>
    /// <param name="completion">Completes the call when the stream ends.</param>
    /// <param name="maxEventBytes">The largest event accepted, in bytes.</param>
    /// <param name="pipeBufferSize">The size of the pipe's buffer segments (tests use tiny ones).</param>
    /// <param name="content">The content filter of the answer, or null (owned: disposed with the stream).</param>
    /// <param name="timeouts">The idle and whole-call limits, or null for none.</param>
    public SseMeteringStream(
        Stream upstream,
        LlmCall call,
        ILlmCallCompletion completion,
        int maxEventBytes = DefaultMaxEventBytes,
        int pipeBufferSize = DefaultPipeBufferSize,
        SseContentFilter? content = null,
        StreamTimeouts? timeouts = null)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(completion);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pipeBufferSize);

        _call = call;
        _completion = completion;
        _content = content;
        _events = new SseEventReader(maxEventBytes);
        _usage = new SseUsageAccumulator(call.Api);
        _removeInjectedUsage = call.InjectedStreamUsage && call.Api == LlmApi.ChatCompletions;
        _reader = PipeReader.Create(
            upstream,
            new StreamPipeReaderOptions(
                bufferSize: pipeBufferSize,
                minimumReadSize: Math.Min(MinimumReadSize, pipeBufferSize),
                leaveOpen: false,
                useZeroByteReads: true)); // an idle stream waits without holding a buffer (issue #19)
        if (timeouts is { IsEnabled: true })
        {
            _timeouts = timeouts;
            _timer = timeouts.TimeProvider.CreateTimer(static state => ((SseMeteringStream)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private enum State
    {
        Streaming,
        Ended,
        Failed,
        Cancelled,
        Disposed,
    }

    /// <inheritdoc />
    public override bool CanRead => _state != State.Disposed;

    /// <inheritdoc />
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!EnsureReadable())
        {
            return new ValueTask<int>(0);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            OnCancelled();
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        int written;
        bool needRead;
        try
        {
            written = ReadBuffered(buffer.Span, out needRead);
        }
        catch (IOException ex)
        {
            return ValueTask.FromException<int>(ex);
        }

        return needRead ? ReadFromUpstreamAsync(buffer, cancellationToken) : new ValueTask<int>(written);
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        if (!EnsureReadable())
        {
            return 0;
        }

        int written = ReadBuffered(buffer, out bool needRead);
        while (needRead)
        {
            BeginUpstreamRead();
            ReadResult result;
            try
            {
                if (!_reader.TryRead(out result))
                {
                    ValueTask<ReadResult> pending = _reader.ReadAsync(CancellationToken.None);
                    result = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
                }
            }
            catch (Exception ex) when (!TimedOut)
            {
                EndUpstreamRead();
                throw OnUpstreamFailed(ex);
            }
            catch (Exception)
            {
                result = new ReadResult(default, isCanceled: true, isCompleted: false);
            }

            EndUpstreamRead();
            OnReadResult(result);
            written = ReadBuffered(buffer, out needRead);
        }

        return written;
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    /// <inheritdoc />
    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 0 ? -1 : one[0];
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            State previous;
            bool readInFlight;
            lock (_lock)
            {
                previous = _state;
                if (previous == State.Disposed)
                {
                    return;
                }

                _state = State.Disposed;
                readInFlight = _readInFlight;
            }

            if (previous == State.Streaming)
            {
                // The client stopped reading. If it already has the whole answer, the call did succeed.
                bool answerDelivered = _usage.SawTerminalEvent && _pending.IsEmpty;
                CompleteCall(answerDelivered ? LlmCallOutcome.Succeeded : LlmCallOutcome.Cancelled);
            }

            if (readInFlight)
            {
                // Completing the reader now would return buffers the upstream read is writing into; cancel the read
                // instead and let it complete the reader when it returns.
                _reader.CancelPendingRead();
            }
            else
            {
                CompleteReader();
            }
        }

        base.Dispose(disposing);
    }

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

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadFromUpstreamAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            BeginUpstreamRead();
            ReadResult result;
            try
            {
                result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                EndUpstreamRead();
                OnCancelled();
                throw;
            }
            catch (Exception ex) when (!TimedOut)
            {
                EndUpstreamRead();
                throw OnUpstreamFailed(ex);
            }
            catch (Exception)
            {
                // The timer's cancellation surfaced as the upstream's error (its connection torn down under the read).
                result = new ReadResult(default, isCanceled: true, isCompleted: false);
            }

            EndUpstreamRead();
            OnReadResult(result);
            int written = ReadBuffered(buffer.Span, out bool needRead);
            if (!needRead)
            {
                return written;
            }
        }
    }

    /// <summary>Throws if the stream can no longer be read; returns false at its end.</summary>
    private bool EnsureReadable()
    {
        switch (_state)
        {
            case State.Streaming:
                return true;
            case State.Ended:
                return false;
            case State.Disposed:
                throw new ObjectDisposedException(nameof(SseMeteringStream));
            case State.Cancelled:
                throw new IOException("The stream cannot be read after a read was cancelled.");
            default:
                throw new IOException(_failure);
        }
    }

    /// <summary>
    /// Hands out buffered complete events. Returns with <paramref name="needRead"/> set only when nothing could be
    /// handed out and the pipe must be read (the held read result has then been advanced).
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

            // No complete event buffered: consume what was handed out, mark the rest examined so that the next read
            // waits for new data instead of returning the same bytes again.
            _reader.AdvanceTo(_buffer.Start, _buffer.End);
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
            // The LF of a CRLF whose CR ended the previous event: it goes wherever that event went.
            if (!_droppedPrevious)
            {
                _pending = evt.Raw;
            }

            _droppedPrevious = false;
            return;
        }

        _droppedPrevious = false;
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
                _droppedPrevious = true;
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
            switch (_content!.OnEvent(evt, name, data, facts.UsageCutStart, cutLength, drop))
            {
                case SseFilterAction.PassRaw:
                    Forward(evt, facts);
                    break;
                case SseFilterAction.End:
                    _pending = new ReadOnlySequence<byte>(_content.Output);
                    _droppedPrevious = true;
                    _endAfterPending = true;
                    break;
                default:
                    _pending = new ReadOnlySequence<byte>(_content.Output);
                    _droppedPrevious = true;
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

    private static ReadOnlySpan<byte> CopyName(in SseEvent evt, Span<byte> destination)
    {
        int length = (int)Math.Min(evt.Name.Length, destination.Length);
        evt.Name.Slice(0, length).CopyTo(destination);
        return destination[..length];
    }

    private SseEventFacts Meter(ReadOnlySpan<byte> name, ReadOnlySpan<byte> data)
    {
        SseEventFacts facts = _usage.Feed(name, data);
        if (facts.UsageUpdated)
        {
            _call.Usage = _usage.Usage;
            _call.UsageReported = _usage.Reported;
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

    /// <summary>The rare path: data over several lines or segments is joined into a pooled buffer first.</summary>
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

    private void OnReadResult(in ReadResult result)
    {
        if (result.IsCanceled && TimedOut)
        {
            // The timer cancelled the read. Cancelling a read of an HTTP response body tears its connection down,
            // so the upstream cannot be read again: the stream ends here, with the timeout's error event.
            OnTimedOut(_timeouts!, _armedForDeadline);
            return;
        }

        _buffer = result.Buffer;
        _holdingRead = true;
        _upstreamCompleted = result.IsCompleted;
    }

    private void OnUpstreamEnded()
    {
        // Whatever is left is an event that never completed; it is not forwarded (a client would discard it).
        bool partialEvent = !_buffer.IsEmpty;
        TryTransition(State.Ended);
        CompleteCall(_usage.SawTerminalEvent && !partialEvent ? LlmCallOutcome.Succeeded : LlmCallOutcome.Failed);
        CompleteReader();
    }

    /// <summary>
    /// The stream ended after a final error event (the content filter blocked or could not parse, or a timeout ran out):
    /// the answer is not complete. Idempotent with respect to the call and the reader.
    /// </summary>
    private void OnContentEnded()
    {
        _endAfterPending = false;
        TryTransition(State.Ended);
        CompleteCall(LlmCallOutcome.Failed);
        CompleteReader();
    }

    /// <summary>Ends the stream after a limit ran out: the call is settled with what was received, the client gets one error event.</summary>
    private void OnTimedOut(StreamTimeouts timeouts, bool deadlinePassed)
    {
        string message = deadlinePassed
            ? "The call exceeded its time limit while streaming; IronRuntime ended the stream."
            : string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"The provider sent nothing for {timeouts.IdleTimeout.TotalSeconds:0.###} s; IronRuntime ended the stream.");
        CompleteCall(LlmCallOutcome.Failed);
        CompleteReader();
        _pending = new ReadOnlySequence<byte>(Errors.ProviderErrors.StreamErrorEvent(_call.AnthropicErrorShape, StreamTimeoutErrorType, message));
        _endAfterPending = true;
    }

    /// <summary>Whether a limit ran out: the upstream read was (or is about to be) cancelled, so the stream ends with the timeout.</summary>
    private bool TimedOut => Volatile.Read(ref _timerFired) == 1;

    private void OnTimer()
    {
        lock (_lock)
        {
            // A callback that lost the race with the end of its read (the timer was disarmed meanwhile) does nothing.
            if (!_timerArmed || _readerCompleted)
            {
                return;
            }

            _timerArmed = false;
            Volatile.Write(ref _timerFired, 1);
        }

        // Outside the lock: cancelling runs the upstream's cancellation callbacks. If the read ended meanwhile, the
        // next read returns cancelled at once (without touching the upstream) and the stream ends the same way.
        _reader.CancelPendingRead();
    }

    private void ArmTimer()
    {
        if (_timer is null)
        {
            return;
        }

        TimeSpan due = _timeouts!.DueIn(_timeouts.TimeProvider.GetTimestamp(), out bool deadlineFirst);
        lock (_lock)
        {
            _timerArmed = true;
            _armedForDeadline = deadlineFirst;
        }

        if (due <= TimeSpan.Zero)
        {
            OnTimer();
        }
        else
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private void DisarmTimer()
    {
        if (_timer is null)
        {
            return;
        }

        lock (_lock)
        {
            _timerArmed = false;
        }

        _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private void OnCancelled()
    {
        TryTransition(State.Cancelled);
        CompleteCall(LlmCallOutcome.Cancelled);
        CompleteReader();
    }

    private Exception OnUpstreamFailed(Exception ex)
    {
        if (_state == State.Disposed)
        {
            return new ObjectDisposedException(nameof(SseMeteringStream), ex);
        }

        return Fail($"The upstream stream ended early: {ex.Message}", ex);
    }

    private IOException Fail(string message, Exception? inner)
    {
        _failure = message;
        TryTransition(State.Failed);
        CompleteCall(LlmCallOutcome.Failed);
        CompleteReader();
        return new IOException(message, inner);
    }

    private void CompleteCall(LlmCallOutcome outcome)
    {
        if (Interlocked.Exchange(ref _callCompleted, 1) != 0)
        {
            return;
        }

        _call.Usage = _usage.EstimateUsage(_call.Model);
        _call.UsageReported = _usage.Reported;
        _completion.Complete(_call, outcome);
    }

    private void TryTransition(State next)
    {
        lock (_lock)
        {
            if (_state == State.Streaming)
            {
                _state = next;
            }
        }
    }

    private void BeginUpstreamRead()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_state == State.Disposed, this);
            _readInFlight = true;
        }

        ArmTimer();
    }

    private void EndUpstreamRead()
    {
        DisarmTimer();
        lock (_lock)
        {
            _readInFlight = false;
            if (_state != State.Disposed)
            {
                return;
            }
        }

        // Disposed while the read was in flight: Dispose left the reader to us.
        CompleteReader();
        throw new ObjectDisposedException(nameof(SseMeteringStream));
    }

    private void CompleteReader()
    {
        lock (_lock)
        {
            if (_readerCompleted)
            {
                return;
            }

            _readerCompleted = true;
        }

        _holdingRead = false;
        _buffer = default;
        _pending = default;
        _pendingTail = default;
        _content?.Dispose();
        _timer?.Dispose();
        _reader.Complete();
    }
}
