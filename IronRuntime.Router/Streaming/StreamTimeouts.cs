namespace IronRuntime.Router.Streaming;

/// <summary>
/// The limits a streamed answer is held to while the client reads it: the longest wait for the provider's next bytes
/// (idle gap) and the end of the whole call.
/// </summary>
/// <param name="timeProvider">The clock (and timers).</param>
/// <param name="idleTimeout">The longest wait for upstream bytes, or <see cref="Timeout.InfiniteTimeSpan"/>.</param>
/// <param name="deadline">The <see cref="TimeProvider.GetTimestamp"/> at which the call must end, or <see cref="long.MaxValue"/>.</param>
internal sealed class StreamTimeouts(TimeProvider timeProvider, TimeSpan idleTimeout, long deadline)
{
    /// <summary>The clock.</summary>
    public TimeProvider TimeProvider { get; } = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));

    /// <summary>The longest wait for upstream bytes, or <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    public TimeSpan IdleTimeout { get; } = idleTimeout;

    /// <summary>The timestamp at which the call must end, or <see cref="long.MaxValue"/>.</summary>
    public long Deadline { get; } = deadline;

    /// <summary>Whether any limit applies.</summary>
    public bool IsEnabled => IdleTimeout != Timeout.InfiniteTimeSpan || Deadline != long.MaxValue;

    /// <summary>How long a wait for upstream bytes that starts at <paramref name="now"/> may last.</summary>
    /// <param name="now">When the wait starts.</param>
    /// <param name="deadlineFirst">Whether the whole call's deadline (rather than the idle limit) ends the wait.</param>
    /// <returns>The longest wait, <see cref="TimeSpan.Zero"/> when the deadline has passed, or <see cref="Timeout.InfiniteTimeSpan"/>.</returns>
    public TimeSpan DueIn(long now, out bool deadlineFirst)
    {
        TimeSpan due = IdleTimeout;
        deadlineFirst = false;
        if (Deadline != long.MaxValue)
        {
            TimeSpan left = Deadline > now ? TimeProvider.GetElapsedTime(now, Deadline) : TimeSpan.Zero;
            if (due == Timeout.InfiniteTimeSpan || left < due)
            {
                due = left;
                deadlineFirst = true;
            }
        }

        return due;
    }
}
