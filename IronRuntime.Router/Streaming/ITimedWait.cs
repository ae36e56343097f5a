namespace IronRuntime.Router.Streaming;

/// <summary>A wait that <see cref="StreamTimeoutSweep"/> watches: it is due at <see cref="DueTimestamp"/>.</summary>
internal interface ITimedWait
{
    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> at which the wait runs out, or <see cref="long.MaxValue"/> when not armed.</summary>
    long DueTimestamp { get; }

    /// <summary>The wait's slot in its sweep (owned by the sweep; -1 when not registered).</summary>
    int SweepSlot { get; set; }

    /// <summary>Called by the sweep, outside its lock, when <see cref="DueTimestamp"/> is at or before <paramref name="now"/>.</summary>
    /// <param name="now">The sweep's timestamp.</param>
    void OnDue(long now);
}
