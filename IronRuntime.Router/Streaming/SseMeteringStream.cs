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
/// Split by concern: this file reads the upstream (asynchronously, or synchronously for a synchronous caller — never
/// blocking on asynchronous work); <c>SseMeteringStream.Events.cs</c> frames events and decides what the client
/// receives; <c>SseMeteringStream.Lifecycle.cs</c> owns the state and completes the call once;
/// <c>SseMeteringStream.Timeouts.cs</c> enforces the idle and whole-call limits through the shared
/// <see cref="StreamTimeoutSweep"/>.
/// </para>
/// <para>
/// The upstream is read into an <see cref="SseInputBuffer"/> (a pooled array held only while it holds bytes; an idle
/// stream waits with a zero-byte read); events are split with <see cref="SseEventReader"/>, which owns the CR/LF
/// continuation, and copied from that buffer straight into the caller's buffer. A read returns the bytes of complete
/// events only — never part of an event that has not fully arrived — and returns as soon as at least one complete
/// event is available; an event larger than the caller's buffer is handed out over several reads without parsing it
/// again. A zero-byte read completes when a complete event (or the end) is available, without taking a buffer from
/// the caller. In steady state nothing is allocated per event.
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
/// completed as <see cref="LlmCallOutcome.Failed"/> with the usage received so far.
/// </para>
/// <para>One reader at a time, as for any stream; <see cref="Stream.Dispose()"/> may race with a read.</para>
/// </remarks>
internal sealed partial class SseMeteringStream : ReadOnlyStream
{
    /// <summary>The default cap on the size of one event: 16 MiB.</summary>
    public const int DefaultMaxEventBytes = SseEventReader.DefaultMaxEventBytes;

    /// <summary>The default size of the buffer rented when bytes arrive (it grows for a larger event).</summary>
    public const int DefaultInitialBufferSize = 4 * 1024;

    /// <summary>The error type of the event a timed-out stream ends with.</summary>
    public const string StreamTimeoutErrorType = "iron_runtime_stream_timeout";

    private readonly Stream _upstream;
    private readonly SseInputBuffer _input;
    private readonly LlmCall _call;
    private readonly ILlmCallCompletion _completion;
    private readonly SseEventReader _events;
    private readonly SseUsageAccumulator _usage;
    private readonly bool _removeInjectedUsage;
    private readonly Lock _lock = new();
    private readonly SseContentFilter? _content;

    // Cancels the upstream read in flight: the timeout sweep, Dispose, or the caller's token (linked per read).
    private readonly CancellationTokenSource _abort = new();

    /// <summary>Creates the stream.</summary>
    /// <param name="upstream">The provider's response body; owned (disposed) by this stream.</param>
    /// <param name="call">The call being streamed; its usage and response model are kept current.</param>
    /// <param name="completion">Completes the call when the stream ends.</param>
    /// <param name="maxEventBytes">The largest event accepted, in bytes.</param>
    /// <param name="pipeBufferSize">The size of the buffer rented when bytes arrive (tests use tiny ones).</param>
    /// <param name="content">The content filter of the answer, or null (owned: disposed with the stream).</param>
    /// <param name="timeouts">The idle and whole-call limits, or null for none.</param>
    public SseMeteringStream(
        Stream upstream,
        LlmCall call,
        ILlmCallCompletion completion,
        int maxEventBytes = DefaultMaxEventBytes,
        int pipeBufferSize = DefaultInitialBufferSize,
        SseContentFilter? content = null,
        StreamTimeouts? timeouts = null)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(completion);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pipeBufferSize);

        _upstream = upstream;
        _call = call;
        _completion = completion;
        _content = content;
        _events = new SseEventReader(maxEventBytes);
        _usage = new SseUsageAccumulator(call.Api);
        _removeInjectedUsage = call.InjectedStreamUsage && call.Api == LlmApi.ChatCompletions;
        _input = new SseInputBuffer(upstream, pipeBufferSize, maxEventBytes);
        if (timeouts is { IsEnabled: true })
        {
            _timeouts = timeouts;
        }
    }

    /// <inheritdoc />
    public override bool CanRead => _state != State.Disposed;

    /// <summary>Whether the stream holds a buffer (for tests of the idle footprint).</summary>
    internal bool HoldsBuffer => _input.HoldsArray;

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
    /// <remarks>Reads the upstream synchronously (its own <see cref="Stream.Read(Span{byte})"/>); nothing waits on a task.</remarks>
    public override int Read(Span<byte> buffer)
    {
        if (!EnsureReadable())
        {
            return 0;
        }

        int written = ReadBuffered(buffer, out bool needRead);
        while (needRead)
        {
            bool timedOut = BeginUpstreamRead(synchronous: true);
            if (!timedOut)
            {
                try
                {
                    _input.Fill();
                }
                catch (Exception ex) when (!TimedOut)
                {
                    EndUpstreamRead();
                    throw OnUpstreamFailed(ex);
                }
                catch (Exception)
                {
                    timedOut = true; // the sweep aborted the upstream under the read
                }
            }

            EndUpstreamRead();
            OnFilled(timedOut);
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
                // Releasing the buffer now would hand out memory the upstream read is writing into; cancel the read
                // instead and let it release the buffer when it returns.
                AbortUpstreamRead();
            }
            else
            {
                CompleteReader();
            }
        }

        base.Dispose(disposing);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadFromUpstreamAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            bool timedOut = BeginUpstreamRead(synchronous: false);
            if (!timedOut)
            {
                CancellationTokenRegistration linked = cancellationToken.CanBeCanceled
                    ? cancellationToken.UnsafeRegister(static state => ((SseMeteringStream)state!).AbortUpstreamRead(), this)
                    : default;
                try
                {
                    // SseInputBuffer.FillAsync's steps, in this state machine: a waiting stream holds one, not two.
                    await _input.WaitAsync(_abort.Token).ConfigureAwait(false);
                    _input.Appended(await _input.ReadAsync(_abort.Token).ConfigureAwait(false));
                }
                catch (Exception) when (cancellationToken.IsCancellationRequested)
                {
                    await linked.DisposeAsync().ConfigureAwait(false);
                    EndUpstreamRead();
                    OnCancelled();
                    throw new OperationCanceledException(cancellationToken);
                }
                catch (Exception ex) when (!TimedOut)
                {
                    await linked.DisposeAsync().ConfigureAwait(false);
                    EndUpstreamRead();
                    throw OnUpstreamFailed(ex);
                }
                catch (Exception)
                {
                    // The sweep's cancellation surfaced as the upstream's error (its connection torn down under the read).
                    timedOut = true;
                }

                await linked.DisposeAsync().ConfigureAwait(false);
            }

            EndUpstreamRead();
            OnFilled(timedOut);
            int written = ReadBuffered(buffer.Span, out bool needRead);
            if (!needRead)
            {
                return written;
            }
        }
    }

    /// <summary>Cancels the upstream read in flight (or the next one); a synchronous read is ended by disposing the upstream.</summary>
    private void AbortUpstreamRead()
    {
        _abort.Cancel();
        if (Volatile.Read(ref _syncReadInFlight) == 1)
        {
            _upstream.Dispose();
        }
    }

    private void OnFilled(bool timedOut)
    {
        if (timedOut)
        {
            // A limit ran out. Cancelling a read of an HTTP response body tears its connection down, so the upstream
            // cannot be read again: the stream ends here, with the timeout's error event.
            OnTimedOut(_timeouts!, _armedForDeadline);
            return;
        }

        _buffer = _input.Unread;
        _holdingRead = true;
        _upstreamCompleted = _input.Completed;
    }
}
