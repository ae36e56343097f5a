namespace IronRuntime.Router.Streaming;

/// <summary>
/// The limits a streamed answer is held to while the client reads it: the longest wait for the provider's next bytes
/// (idle gap) and the end of the whole call.
/// </summary>
internal sealed class StreamTimeouts
{
    /// <summary>Creates limits.</summary>
    /// <param name="timeProvider">The clock (and timers).</param>
    /// <param name="idleTimeout">The longest wait for upstream bytes, or <see cref="Timeout.InfiniteTimeSpan"/>.</param>
    /// <param name="deadline">The <see cref="TimeProvider.GetTimestamp"/> at which the call must end, or <see cref="long.MaxValue"/>.</param>
    public StreamTimeouts(TimeProvider timeProvider, TimeSpan idleTimeout, long deadline)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        TimeProvider = timeProvider;
        IdleTimeout = idleTimeout;
        Deadline = deadline;
    }

    /// <summary>The clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The longest wait for upstream bytes, or <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    public TimeSpan IdleTimeout { get; }

    /// <summary>The timestamp at which the call must end, or <see cref="long.MaxValue"/>.</summary>
    public long Deadline { get; }

    /// <summary>Whether any limit applies.</summary>
    public bool IsEnabled => IdleTimeout != Timeout.InfiniteTimeSpan || Deadline != long.MaxValue;

    /// <summary>How long a wait for upstream bytes that starts at <paramref name="now"/> may last.</summary>
    public TimeSpan DueIn(long now)
    {
        TimeSpan due = IdleTimeout;
        if (Deadline != long.MaxValue)
        {
            TimeSpan left = Deadline > now ? TimeProvider.GetElapsedTime(now, Deadline) : TimeSpan.Zero;
            due = due == Timeout.InfiniteTimeSpan ? left : (left < due ? left : due);
        }

        return due;
    }

    /// <summary>Whether a wait that started at <paramref name="waitStart"/> has run out at <paramref name="now"/>.</summary>
    /// <param name="waitStart">When the wait started.</param>
    /// <param name="now">Now.</param>
    /// <param name="deadlinePassed">Whether the whole call's deadline (rather than the idle limit) ran out.</param>
    /// <returns>True when a limit ran out.</returns>
    public bool HasExpired(long waitStart, long now, out bool deadlinePassed)
    {
        deadlinePassed = Deadline != long.MaxValue && now >= Deadline;
        return deadlinePassed
            || (IdleTimeout != Timeout.InfiniteTimeSpan && TimeProvider.GetElapsedTime(waitStart, now) >= IdleTimeout);
    }
}
