using System.Collections.Concurrent;
using IronRuntime.Budget;
using IronRuntime.Router;

namespace IronRuntime.Agents;

/// <summary>Counts every completed call per agent (lock-free) and composes metrics with the ledger's spend.</summary>
internal sealed class AgentMetricsCollector(IBudgetLedger ledger) : ILlmCallObserver
{
    private readonly CallCounters _total = new();
    private readonly ConcurrentDictionary<string, CallCounters> _agents = new(StringComparer.Ordinal);

    public void OnCallCompleted(LlmCall call) => Record(call.CallerId, call.Outcome, call.Usage, call.UsageEstimated);

    /// <summary>Counts a call that did not go through the router (the chat-client middleware's), as for a routed one.</summary>
    public void Record(string? agentId, LlmCallOutcome outcome, TokenUsage usage, bool estimated)
    {
        _total.Record(outcome, usage, estimated);
        if (agentId is not null)
        {
            _agents.GetOrAdd(agentId, static _ => new CallCounters()).Record(outcome, usage, estimated);
        }
    }

    /// <summary>Adds one PII detection of <paramref name="entityType"/> for an agent (from the safety subsystem).</summary>
    public void AddPiiDetection(string? agentId, string entityType)
    {
        _total.AddPii(entityType, 1);
        if (agentId is not null)
        {
            _agents.GetOrAdd(agentId, static _ => new CallCounters()).AddPii(entityType, 1);
        }
    }

    /// <summary>Adds the counts an earlier run recorded (spend excluded: the ledger holds it).</summary>
    public void Restore(AgentMetrics stored)
        => (stored.AgentId is null ? _total : _agents.GetOrAdd(stored.AgentId, static _ => new CallCounters())).Add(stored);

    public AgentMetrics Get(string? agentId)
    {
        var counters = agentId is null ? _total : _agents.GetValueOrDefault(agentId) ?? new CallCounters();
        var budget = ledger.GetSnapshot(agentId);
        return counters.ToMetrics(agentId) with
        {
            BudgetSpent = budget.Spent,
            BudgetReserved = budget.Reserved,
            BudgetLimit = budget.Limit,
        };
    }
}
