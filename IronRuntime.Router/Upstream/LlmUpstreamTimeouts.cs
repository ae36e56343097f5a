namespace IronRuntime.Router;

/// <summary>
/// The time limits of the provider hop as the router needs them: for stream timers and for the messages of its 504 and
/// 502 answers. <see cref="Timeout.InfiniteTimeSpan"/> turns a limit off.
/// </summary>
/// <param name="Total">The longest a whole call may take (the deadline of a streamed answer too).</param>
/// <param name="FirstByte">The longest wait, per attempt, for an answer to start.</param>
/// <param name="StreamIdle">The longest gap between two reads of a streamed answer.</param>
/// <param name="Connect">The longest wait for a connection (named when an endpoint cannot be reached).</param>
/// <param name="BreakDuration">How long an endpoint whose circuit opened during the call stays unavailable.</param>
public sealed record LlmUpstreamTimeouts(TimeSpan Total, TimeSpan FirstByte, TimeSpan StreamIdle, TimeSpan Connect, TimeSpan BreakDuration);
