using System.Runtime.CompilerServices;

namespace IronRuntime.Router.Streaming;

/// <summary>
/// One timer per <see cref="TimeProvider"/> for the idle and whole-call limits of every open stream, instead of one
/// timer per stream re-armed on every read (issue #19); it also drives the trimming passes of the pools' unused items
/// (<see cref="Internal.TrimmedFreeList{T}"/>), so that no pool needs a timer of its own.
/// </summary>
/// <remarks>
/// A stream registers once (<see cref="Add"/>) and then arms and disarms its wait by writing its due timestamp — no
/// lock, no timer call and no allocation per read. While any stream is registered, the timer ticks every
/// <see cref="Resolution"/> and calls <see cref="ITimedWait.OnDue"/> for each wait whose due time has passed, so a
/// limit runs out at most one <see cref="Resolution"/> late and never early. With no stream registered the timer is
/// stopped.
/// </remarks>
internal sealed class StreamTimeoutSweep
{
    /// <summary>The sweep's period: how late at most a limit is noticed.</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromMilliseconds(100);

    private static readonly ConditionalWeakTable<TimeProvider, StreamTimeoutSweep> Sweeps = new();

    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly List<ITimedWait> _waits = [];
    private readonly List<ITimedWait> _due = [];
    private ITimer? _timer;
    private bool _running;
    private int _sweeping;

    private StreamTimeoutSweep(TimeProvider time) => _time = time;

    /// <summary>The number of registered waits (for tests).</summary>
    internal int Count
    {
        get
        {
            lock (_lock)
            {
                return _waits.Count;
            }
        }
    }

    /// <summary>The sweep of <paramref name="time"/>, created on first use.</summary>
    /// <param name="time">The clock whose timer drives the sweep.</param>
    /// <returns>The shared sweep.</returns>
    public static StreamTimeoutSweep For(TimeProvider time) => Sweeps.GetValue(time, static t => new StreamTimeoutSweep(t));

    /// <summary>Watches <paramref name="wait"/> until <see cref="Remove"/>.</summary>
    /// <param name="wait">The wait; its <see cref="ITimedWait.SweepSlot"/> must be -1.</param>
    public void Add(ITimedWait wait)
    {
        lock (_lock)
        {
            wait.SweepSlot = _waits.Count;
            _waits.Add(wait);
            if (!_running)
            {
                _running = true;
                _timer ??= _time.CreateTimer(static state => ((StreamTimeoutSweep)state!).Sweep(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                _timer.Change(Resolution, Resolution);
            }
        }
    }

    /// <summary>Stops watching <paramref name="wait"/>; idempotent.</summary>
    /// <param name="wait">A wait added before (or not).</param>
    public void Remove(ITimedWait wait)
    {
        lock (_lock)
        {
            int slot = wait.SweepSlot;
            if (slot < 0 || slot >= _waits.Count || !ReferenceEquals(_waits[slot], wait))
            {
                return;
            }

            ITimedWait last = _waits[^1];
            _waits[slot] = last;
            last.SweepSlot = slot;
            _waits.RemoveAt(_waits.Count - 1);
            wait.SweepSlot = -1;
            if (_waits.Count == 0 && _running)
            {
                _running = false;
                _timer!.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void Sweep()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) != 0)
        {
            return; // the previous tick is still running
        }

        try
        {
            long now = _time.GetTimestamp();
            lock (_lock)
            {
                foreach (ITimedWait wait in _waits)
                {
                    if (wait.DueTimestamp <= now)
                    {
                        _due.Add(wait);
                    }
                }
            }

            // Outside the lock: a wait's reaction cancels a read, whose continuation may remove the wait.
            foreach (ITimedWait wait in _due)
            {
                wait.OnDue(now);
            }
        }
        finally
        {
            _due.Clear();
            Volatile.Write(ref _sweeping, 0);
        }
    }
}
