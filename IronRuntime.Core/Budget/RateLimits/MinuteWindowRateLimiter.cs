using System.Threading.RateLimiting;

namespace IronRuntime.Budget.RateLimits;

/// <summary>
/// A fixed window of one minute (aligned to the minute on the <see cref="TimeProvider"/>'s UTC clock) holding up to
/// <see cref="PermitsPerMinute"/> permits — requests or tokens. Unlike <see cref="FixedWindowRateLimiter"/> it takes
/// permits back: a call refused for money returns what it took, and a call's token count is corrected to its reported
/// usage while its window is still the current one. It never queues: a refused acquisition carries
/// <see cref="MetadataName.RetryAfter"/>, the time until the next window.
/// </summary>
internal sealed class MinuteWindowRateLimiter : RateLimiter
{
    private static readonly long TicksPerWindow = TimeSpan.TicksPerMinute;
    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private long _window;
    private long _used;
    private long _lastUse;

    public MinuteWindowRateLimiter(long permitsPerMinute, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permitsPerMinute, 1);
        PermitsPerMinute = permitsPerMinute;
        _timeProvider = timeProvider;
        _lastUse = timeProvider.GetTimestamp();
    }

    /// <summary>The permits one window holds.</summary>
    public long PermitsPerMinute { get; }

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_lock)
            {
                return _used == 0 ? _timeProvider.GetElapsedTime(_lastUse) : null;
            }
        }
    }

    /// <summary>
    /// Takes <paramref name="permits"/> from the current window. On success <paramref name="window"/> names it (for
    /// <see cref="Adjust"/>); on refusal <paramref name="retryAfter"/> is the wait until a window could admit them, or
    /// null when no window ever can (more permits than a minute holds).
    /// </summary>
    public bool TryAcquire(long permits, out long window, out TimeSpan? retryAfter)
    {
        long now = _timeProvider.GetUtcNow().UtcTicks;
        long current = now / TicksPerWindow;
        lock (_lock)
        {
            if (current != _window)
            {
                _window = current;
                _used = 0;
            }

            _lastUse = _timeProvider.GetTimestamp();
            if (permits <= PermitsPerMinute - _used)
            {
                _used += permits;
                window = current;
                retryAfter = null;
                return true;
            }
        }

        window = current;
        retryAfter = permits > PermitsPerMinute ? null : TimeSpan.FromTicks(((current + 1) * TicksPerWindow) - now);
        return false;
    }

    /// <summary>
    /// Changes the permits a call holds in <paramref name="window"/> by <paramref name="delta"/> (negative: given back).
    /// A window already over is left alone: its minute has passed.
    /// </summary>
    public void Adjust(long window, long delta)
    {
        lock (_lock)
        {
            if (window == _window)
            {
                _used = Math.Max(0, _used + delta);
            }
        }
    }

    /// <summary>The permits taken in the current window.</summary>
    public long Used
    {
        get
        {
            long current = _timeProvider.GetUtcNow().UtcTicks / TicksPerWindow;
            lock (_lock)
            {
                return current == _window ? _used : 0;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
        => new() { CurrentAvailablePermits = PermitsPerMinute - Used, CurrentQueuedCount = 0 };

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        return TryAcquire(permitCount, out _, out var retryAfter) ? Lease.Acquired : new Lease(false, retryAfter);
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
        => ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Acquired = new(true, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames
            => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = wait;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
