namespace IronRuntime.Budget;

/// <summary>
/// Money held against the budgets that apply to one call until it is settled. A value type: reserving and
/// settling allocate nothing.
/// </summary>
public readonly struct BudgetReservation
{
    internal BudgetReservation(object? agentAccount, decimal amount, long outputTokens)
    {
        AgentAccount = agentAccount;
        Amount = amount;
        OutputTokens = outputTokens;
    }

    /// <summary>The amount held, in USD.</summary>
    public decimal Amount { get; }

    /// <summary>The output tokens the reservation covers (the request's limit, or the one imposed).</summary>
    public long OutputTokens { get; }

    /// <summary>The ledger's account of the agent, or null for an unattributed call.</summary>
    internal object? AgentAccount { get; }
}
