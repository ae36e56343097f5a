using System.Globalization;
using IronRuntime.Router.Errors;

namespace IronRuntime.Router.Streaming;

/// <summary>
/// The idle and whole-call limits: each upstream read is a wait with a due time that the shared
/// <see cref="StreamTimeoutSweep"/> watches — no timer per stream and nothing allocated per read.
/// </summary>
internal sealed partial class SseMeteringStream : ITimedWait
{
    private const long Disarmed = long.MaxValue;

    private readonly StreamTimeouts? _timeouts;
    private StreamTimeoutSweep? _sweep;
    private long _due = Disarmed;
    private bool _armedForDeadline;  // the armed wait ends at the call's deadline rather than the idle limit
    private int _timerFired;         // sticky: once a limit ran out, the upstream read was (or will be) cancelled

    /// <inheritdoc />
    long ITimedWait.DueTimestamp => Volatile.Read(ref _due);

    /// <inheritdoc />
    int ITimedWait.SweepSlot { get; set; } = -1;

    /// <summary>Whether a limit ran out: the upstream read was (or is about to be) cancelled, so the stream ends with the timeout.</summary>
    private bool TimedOut => Volatile.Read(ref _timerFired) == 1;

    /// <inheritdoc />
    void ITimedWait.OnDue(long now)
    {
        long due = Volatile.Read(ref _due);
        if (due > now || Interlocked.CompareExchange(ref _due, Disarmed, due) != due)
        {
            return; // the read ended (disarmed) or was re-armed meanwhile
        }

        Fire();
    }

    /// <summary>Arms the limit for an upstream read; returns false when it has already run out.</summary>
    private bool ArmTimeout()
    {
        if (_timeouts is null)
        {
            return true;
        }

        if (TimedOut)
        {
            return false;
        }

        if (_sweep is null)
        {
            _sweep = StreamTimeoutSweep.For(_timeouts.TimeProvider);
            _sweep.Add(this);
        }

        long now = _timeouts.TimeProvider.GetTimestamp();
        TimeSpan wait = _timeouts.DueIn(now, out _armedForDeadline);
        if (wait <= TimeSpan.Zero)
        {
            Volatile.Write(ref _timerFired, 1);
            return false;
        }

        long ticks = (long)Math.Min(wait.TotalSeconds * _timeouts.TimeProvider.TimestampFrequency, long.MaxValue - now - 1);
        Volatile.Write(ref _due, now + ticks);
        return true;
    }

    private void DisarmTimeout()
    {
        if (_timeouts is not null)
        {
            Volatile.Write(ref _due, Disarmed);
        }
    }

    private void StopTimeouts()
    {
        _sweep?.Remove(this);
        Volatile.Write(ref _due, Disarmed);
    }

    private void Fire()
    {
        lock (_lock)
        {
            if (_readerCompleted)
            {
                return;
            }
        }

        Volatile.Write(ref _timerFired, 1);

        // Outside the lock: cancelling runs the upstream's cancellation callbacks. If the read ended meanwhile, the
        // next read sees TimedOut and ends the stream the same way without touching the upstream.
        AbortUpstreamRead();
    }

    /// <summary>Ends the stream after a limit ran out: the call is settled with what was received, the client gets one error event.</summary>
    private void OnTimedOut(StreamTimeouts timeouts, bool deadlinePassed)
    {
        string message = deadlinePassed
            ? "The call exceeded its time limit while streaming; IronRuntime ended the stream."
            : string.Create(CultureInfo.InvariantCulture,
                $"The provider sent nothing for {timeouts.IdleTimeout.TotalSeconds:0.###} s; IronRuntime ended the stream.");
        _call.StreamTimedOut = true;
        CompleteCall(LlmCallOutcome.Failed);
        CompleteReader();
        _pending = new System.Buffers.ReadOnlySequence<byte>(ProviderErrors.StreamErrorEvent(_call.AnthropicErrorShape, StreamTimeoutErrorType, message));
        _endAfterPending = true;
    }
}
