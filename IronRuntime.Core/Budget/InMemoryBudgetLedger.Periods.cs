using System.Collections.Concurrent;
using IronRuntime.Budget.Periods;

namespace IronRuntime.Budget;

/// <summary>
/// Budget periods in memory. Each period has its own accounts: at the first step of the ledger (reserve, settle,
/// snapshot, limit) at or after the period's end, under the ledger's one lock, the global account and the agents'
/// are replaced by empty ones with the same limits. The rollover is a change of accounts, not a reset: a call holds
/// the accounts of the period it was reserved in and is settled there — charged to that period, whenever it ends,
/// exactly once — while its reservation never counts against the new period.
/// </summary>
internal sealed partial class InMemoryBudgetLedger
{
    private readonly BudgetPeriod _period;
    private readonly TimeZoneInfo _zone;

    /// <summary>UTC ticks at which the current period ends; <see cref="long.MaxValue"/> without periods.</summary>
    private long _periodEnd = long.MaxValue;

    /// <summary>Starts the new period if the current one has ended. Under <see cref="_lock"/>.</summary>
    private void RollOverIfDue()
    {
        var now = _timeProvider.GetUtcNow();
        if (now.UtcTicks < _periodEnd)
        {
            return;
        }

        var global = new Account(null, null) { Limit = _global.Limit };
        global.ResetAlerts(_thresholds);
        _global = global;
        _agents = new ConcurrentDictionary<string, Account>(StringComparer.Ordinal);
        _periodEnd = BudgetPeriods.Bounds(_period, _zone, now).End.UtcTicks;
    }

    /// <summary>The agent's account of the current period (rolling over first if due). Under <see cref="_lock"/>.</summary>
    private Account? InCurrentPeriod(Account? agent, string? agentId)
    {
        RollOverIfDue();
        return agent is not null && agent.Global != _global ? GetAccount(agentId!) : agent;
    }
}
