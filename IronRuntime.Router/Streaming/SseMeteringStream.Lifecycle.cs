namespace IronRuntime.Router.Streaming;

/// <summary>State and lifecycle: one transition out of streaming, the call completed once, the buffer released once.</summary>
internal sealed partial class SseMeteringStream
{
    private bool _readInFlight;      // guarded by _lock
    private bool _readerCompleted;   // guarded by _lock
    private int _syncReadInFlight;   // 1 while a synchronous upstream read runs (the abort disposes the upstream then)
    private int _callCompleted;
    private State _state;
    private string? _failure;

    private enum State
    {
        Streaming,
        Ended,
        Failed,
        Cancelled,
        Disposed,
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

    /// <summary>Starts an upstream read; returns true when a limit already ran out (then nothing is read).</summary>
    private bool BeginUpstreamRead(bool synchronous)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_state == State.Disposed, this);
            _readInFlight = true;
        }

        if (synchronous)
        {
            Volatile.Write(ref _syncReadInFlight, 1);
        }

        return !ArmTimeout();
    }

    private void EndUpstreamRead()
    {
        DisarmTimeout();
        Volatile.Write(ref _syncReadInFlight, 0);
        lock (_lock)
        {
            _readInFlight = false;
            if (_state != State.Disposed)
            {
                return;
            }
        }

        // Disposed while the read was in flight: Dispose left the buffer to us.
        CompleteReader();
        throw new ObjectDisposedException(nameof(SseMeteringStream));
    }

    /// <summary>Releases the buffer and the upstream, once; never while a read is in flight (callers see to that).</summary>
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
        StopTimeouts();
        _input.Release();
        _upstream.Dispose();
    }
}
