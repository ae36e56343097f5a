using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using IronRuntime.Router.Streaming;

namespace IronRuntime.Router.Internal;

/// <summary>
/// The unused items of a pool (the loopback proxy's blocks, <see cref="SseBufferPool"/>'s arrays): kept for reuse up
/// to a capacity, and trimmed over time to as many as were recently needed at once (issue #19).
/// </summary>
/// <remarks>
/// <para>
/// A pool that only keeps what is returned to it keeps its peak for good: thousands of streams opening together, or a
/// moment when the process fell behind and many events were in flight at once, left hundreds of blocks unused for the
/// rest of the process (about 2 KB per open stream at 4,000). Here, every <see cref="TrimPeriod"/> while the list holds
/// items, a pass releases to the collector half (rounded up) of those that stayed unused for the last
/// <see cref="WindowPasses"/> periods — the fewest the list held at any moment since then. A list in steady use is
/// drained to about that low point by its bursts of use, so it keeps what bursts recurring within the window need and
/// allocates nothing anew for them (a window of one period made the blocks of bursts a few seconds apart go and come
/// back); one left idle keeps its items for the window, then halves each pass until it is empty.
/// </para>
/// <para>
/// The passes are driven by the <see cref="StreamTimeoutSweep"/> of the list's clock — no timer of its own; the list is
/// registered with it only while it holds items. Thread-safe.
/// </para>
/// </remarks>
/// <typeparam name="T">The pooled item.</typeparam>
internal sealed class TrimmedFreeList<T> : ITimedWait
    where T : class
{
    /// <summary>How often the unused items are trimmed.</summary>
    public static readonly TimeSpan TrimPeriod = TimeSpan.FromSeconds(1);

    /// <summary>How many periods an item must stay unused before it may be released.</summary>
    public const int WindowPasses = 5;

    private const long Disarmed = long.MaxValue;

    private readonly ConcurrentQueue<T> _items = new();
    private readonly int _capacity;
    private readonly TimeProvider _time;
    private readonly long _periodTicks;
    private readonly int[] _lows = new int[WindowPasses]; // the fewest items held in each of the last periods (passes only)
    private int _count;
    private int _pass;
    private int _lowWater;  // the fewest items held since the last pass
    private int _watched;   // 1 while registered with the sweep
    private long _due = Disarmed;
    private bool _closed;

    /// <summary>Creates an empty list.</summary>
    /// <param name="capacity">The most items kept.</param>
    /// <param name="time">The clock whose <see cref="StreamTimeoutSweep"/> drives the trimming.</param>
    public TrimmedFreeList(int capacity, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentNullException.ThrowIfNull(time);
        _capacity = capacity;
        _time = time;
        _periodTicks = (long)(TrimPeriod.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>The items kept now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <inheritdoc />
    long ITimedWait.DueTimestamp => Volatile.Read(ref _due);

    /// <inheritdoc />
    int ITimedWait.SweepSlot { get; set; } = -1;

    /// <summary>Takes a kept item, if there is one.</summary>
    /// <param name="item">The item taken.</param>
    /// <returns>Whether an item was taken.</returns>
    public bool TryTake([NotNullWhen(true)] out T? item)
    {
        if (_items.TryDequeue(out item))
        {
            Lower(Interlocked.Decrement(ref _count));
            return true;
        }

        Lower(0);
        return false;
    }

    /// <summary>Keeps <paramref name="item"/> for reuse; false when the list is full or closed (the collector takes it).</summary>
    /// <param name="item">An item no longer in use.</param>
    /// <returns>Whether it was kept.</returns>
    public bool TryAdd(T item)
    {
        if (Volatile.Read(ref _closed))
        {
            return false;
        }

        if (Interlocked.Increment(ref _count) > _capacity)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }

        _items.Enqueue(item);
        if (Volatile.Read(ref _watched) == 0)
        {
            Watch();
        }

        return true;
    }

    /// <summary>Drops every item and keeps none from now on.</summary>
    public void Close()
    {
        Volatile.Write(ref _closed, true);
        _items.Clear();
        Volatile.Write(ref _count, 0);
    }

    /// <inheritdoc />
    /// <remarks>A pass: releases half of the items unused for the window; leaves the sweep once the list is empty.</remarks>
    void ITimedWait.OnDue(long now)
    {
        _lows[_pass] = Math.Min(Volatile.Read(ref _lowWater), Count);
        _pass = (_pass + 1) % WindowPasses;
        int unused = _lows.Min();
        int released = 0;
        for (int release = (unused + 1) / 2; release > 0 && _items.TryDequeue(out _); release--)
        {
            Interlocked.Decrement(ref _count);
            released++;
        }

        for (int i = 0; i < _lows.Length; i++)
        {
            _lows[i] = Math.Max(0, _lows[i] - released); // those are gone: no period held them
        }

        Volatile.Write(ref _lowWater, Count);
        if (Count > 0 && !Volatile.Read(ref _closed))
        {
            Volatile.Write(ref _due, now + _periodTicks);
            return;
        }

        Volatile.Write(ref _due, Disarmed);
        StreamTimeoutSweep.For(_time).Remove(this);
        Interlocked.Exchange(ref _watched, 0); // a full fence: an item added from here on registers again
        if (Count > 0 && !Volatile.Read(ref _closed))
        {
            Watch();
        }
    }

    /// <summary>Registers the list with the sweep (once), its first pass one <see cref="TrimPeriod"/> from now.</summary>
    private void Watch()
    {
        if (Interlocked.CompareExchange(ref _watched, 1, 0) != 0)
        {
            return;
        }

        Volatile.Write(ref _lowWater, Count);
        Array.Clear(_lows); // nothing counts as unused until a whole window has passed
        Volatile.Write(ref _due, _time.GetTimestamp() + _periodTicks);
        StreamTimeoutSweep.For(_time).Add(this);
    }

    /// <summary>Records that the list held <paramref name="count"/> items.</summary>
    private void Lower(int count)
    {
        int low = Volatile.Read(ref _lowWater);
        while (count < low)
        {
            int seen = Interlocked.CompareExchange(ref _lowWater, count, low);
            if (seen == low)
            {
                return;
            }

            low = seen;
        }
    }
}
