namespace IronRuntime.Agents;

/// <summary>An agent changed status.</summary>
/// <param name="agent">The agent.</param>
/// <param name="status">Its new status.</param>
public sealed class AgentStatusChangedEventArgs(AgentHandle agent, AgentStatus status) : EventArgs
{
    /// <summary>The agent.</summary>
    public AgentHandle Agent { get; } = agent;

    /// <summary>Its new status.</summary>
    public AgentStatus Status { get; } = status;
}
