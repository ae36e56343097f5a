namespace IronRuntime.Agents;

/// <summary>One run of an agent as the runtime remembers it, also after a restart (with state on).</summary>
/// <param name="AgentId">The agent's id.</param>
/// <param name="Name">Its display name.</param>
/// <param name="Kind">In process, or a child process.</param>
/// <param name="StartedAt">When it was started.</param>
/// <param name="EndedAt">When it ended; null while it runs, or when the runtime ended first (<see cref="Interrupted"/>).</param>
/// <param name="Status">Its last known status.</param>
/// <param name="ExitCode">Its exit code, when it has one.</param>
/// <param name="Fault">The message of the error it failed with, or null.</param>
public sealed record AgentRunRecord(
    string AgentId,
    string Name,
    AgentKind Kind,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    AgentStatus Status,
    int? ExitCode,
    string? Fault)
{
    /// <summary>
    /// True when an earlier runtime ended (was stopped or killed) while this run had not ended: its end was never
    /// recorded, and <see cref="Status"/> is the last one seen.
    /// </summary>
    public bool Interrupted { get; init; }
}
