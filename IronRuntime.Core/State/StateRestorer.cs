using IronRuntime.Agents;
using IronRuntime.Budget;
using IronRuntime.Budget.Periods;
using IronRuntime.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IronRuntime.State;

/// <summary>
/// Restores what earlier runs recorded — spend into the budget ledger, every metric into the collector, the agent
/// history — once, on start (the hosted service) or on first use (the first call through the gate, or the first
/// question to the runtime), never in a constructor. With a <see cref="RuntimeConfig.BudgetPeriod"/> only the current
/// period's spend comes back into the ledger (the metrics and the call records keep everything).
/// </summary>
internal sealed class StateRestorer(IRuntimeStateStore store, IBudgetLedger ledger, AgentMetricsCollector metrics, ILogger<StateRestorer> logger,
    IOptions<RuntimeConfig> config, TimeProvider timeProvider)
{
    private readonly Lock _lock = new();
    private volatile IReadOnlyList<AgentRunRecord>? _pastRuns;

    /// <summary>The agent runs recorded by earlier runtimes (restores first if needed).</summary>
    public IReadOnlyList<AgentRunRecord> PastRuns
    {
        get
        {
            EnsureRestored();
            return _pastRuns!;
        }
    }

    public void EnsureRestored()
    {
        if (_pastRuns is not null)
        {
            return;
        }

        lock (_lock)
        {
            if (_pastRuns is not null)
            {
                return;
            }

            if (store is NullRuntimeStateStore)
            {
                _pastRuns = [];
                return;
            }

            var state = store.Load();
            var periodSpend = PeriodSpend();
            decimal attributed = 0m;
            foreach (var agent in state.Agents)
            {
                metrics.Restore(agent);
                if (periodSpend is null && agent.BudgetSpent > 0m)
                {
                    ledger.Charge(agent.AgentId, agent.BudgetSpent);
                    attributed += agent.BudgetSpent;
                }
            }

            metrics.Restore(state.Totals);
            if (periodSpend is not null)
            {
                foreach (var (agentId, spent) in periodSpend)
                {
                    if (spent > 0m)
                    {
                        ledger.Charge(agentId.Length == 0 ? null : agentId, spent);
                    }
                }
            }
            else if (state.Totals.BudgetSpent - attributed > 0m)
            {
                ledger.Charge(null, state.Totals.BudgetSpent - attributed);
            }

            if (state.Totals.BudgetSpent > 0m || state.Totals.Requests > 0)
            {
                CoreLog.StateRestored(logger, state.Totals.BudgetSpent, state.Agents.Count, state.Totals.Requests, state.Totals.UnsettledRequests);
            }

            _pastRuns = state.AgentRuns;
        }
    }

    /// <summary>With budget periods: the spend recorded since the current period started, per agent; null without periods.</summary>
    private IReadOnlyDictionary<string, decimal>? PeriodSpend()
    {
        var c = config.Value;
        if (c.BudgetPeriod == BudgetPeriod.None || store is not IPeriodSpend periods)
        {
            return null;
        }

        var start = BudgetPeriods.Bounds(c.BudgetPeriod, TimeZoneInfo.FindSystemTimeZoneById(c.BudgetTimeZone), timeProvider.GetUtcNow()).Start;
        return periods.SpendSince(start);
    }
}
