using IronRuntime.Agents;

namespace IronRuntime.State;

/// <summary>What a state store restores at start-up: running totals (kept by the store, never summed at start) and the agent history.</summary>
/// <param name="Totals">Runtime-wide totals (<see cref="AgentMetrics.AgentId"/> null); <see cref="AgentMetrics.BudgetSpent"/> is the recorded spend.</param>
/// <param name="Agents">Per-agent totals.</param>
/// <param name="AgentRuns">Every agent run recorded, oldest first.</param>
public sealed record StoredRuntimeState(AgentMetrics Totals, IReadOnlyList<AgentMetrics> Agents, IReadOnlyList<AgentRunRecord> AgentRuns)
{
    /// <summary>Nothing recorded.</summary>
    public static StoredRuntimeState Empty { get; } = new(new AgentMetrics(), [], []);
}
