using IronRuntime.Agents;

namespace IronRuntime.State;

/// <summary>The running totals of one account as the state store keeps them (touched by the writer only): the call counters and the exact spend.</summary>
internal sealed class StateTotals
{
    /// <summary>The counters, counted as <see cref="AgentMetricsCollector"/> counts them (the same type).</summary>
    public CallCounters Counts { get; } = new();

    /// <summary>The money spent, exact.</summary>
    public decimal Spent;

    /// <summary>Adds one call.</summary>
    public void Add(CallRecord r)
    {
        Counts.Record(r.Outcome, r.Usage, r.Estimated);
        Spent += r.Cost;
    }

    /// <summary>Adds a call that was in flight at a crash, charged its reservation.</summary>
    public void AddUnsettled(decimal amount)
    {
        Counts.AddUnsettled();
        Spent += amount;
    }

    public void AddPii(string entityType) => Counts.AddPii(entityType, 1);

    public AgentMetrics ToMetrics(string? agentId) => Counts.ToMetrics(agentId) with { BudgetSpent = Spent };
}
