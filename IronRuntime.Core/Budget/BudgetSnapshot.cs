namespace IronRuntime.Budget;

/// <summary>The state of one budget account.</summary>
/// <param name="AgentId">The agent, or null for the global account.</param>
/// <param name="Limit">The limit in USD, or null for none.</param>
/// <param name="Spent">What settled calls cost, in USD.</param>
/// <param name="Reserved">What calls in flight hold, in USD.</param>
public readonly record struct BudgetSnapshot(string? AgentId, decimal? Limit, decimal Spent, decimal Reserved)
{
    /// <summary>What is left to reserve, or null without a limit.</summary>
    public decimal? Remaining => Limit is { } limit ? Math.Max(0m, limit - Spent - Reserved) : null;
}
