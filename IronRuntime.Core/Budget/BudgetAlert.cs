namespace IronRuntime.Budget;

/// <summary>An account's spend crossed an alert threshold (raised once per threshold).</summary>
public sealed class BudgetAlert : EventArgs
{
    /// <summary>Creates an alert.</summary>
    /// <param name="agentId">The agent, or null for the global budget.</param>
    /// <param name="threshold">The fraction crossed, for example 0.8.</param>
    /// <param name="spent">The spend after the crossing, in USD.</param>
    /// <param name="limit">The limit, in USD.</param>
    /// <param name="timestamp">When it happened.</param>
    public BudgetAlert(string? agentId, decimal threshold, decimal spent, decimal limit, DateTimeOffset timestamp)
    {
        AgentId = agentId;
        Threshold = threshold;
        Spent = spent;
        Limit = limit;
        Timestamp = timestamp;
    }

    /// <summary>The agent, or null for the global budget.</summary>
    public string? AgentId { get; }

    /// <summary>The fraction of the limit crossed, for example 0.8.</summary>
    public decimal Threshold { get; }

    /// <summary>The spend after the crossing, in USD.</summary>
    public decimal Spent { get; }

    /// <summary>The limit, in USD.</summary>
    public decimal Limit { get; }

    /// <summary>When the crossing happened.</summary>
    public DateTimeOffset Timestamp { get; }
}
