using System.Collections.Concurrent;
using IronRuntime.Budget;
using IronRuntime.Router;

namespace IronRuntime.Agents;

/// <summary>Counts every completed call per agent (lock-free) and composes metrics with the ledger's spend.</summary>
internal sealed class AgentMetricsCollector(IBudgetLedger ledger) : ILlmCallObserver
{
    private readonly Counters _total = new();
    private readonly ConcurrentDictionary<string, Counters> _agents = new(StringComparer.Ordinal);

    public void OnCallCompleted(LlmCall call)
    {
        Record(_total, call);
        if (call.CallerId is { } agentId)
        {
            Record(_agents.GetOrAdd(agentId, static _ => new Counters()), call);
        }
    }

    /// <summary>Adds PII detections for an agent (from the safety subsystem).</summary>
    public void AddPiiDetections(string? agentId, long count)
    {
        Interlocked.Add(ref _total.PiiDetections, count);
        if (agentId is not null)
        {
            Interlocked.Add(ref _agents.GetOrAdd(agentId, static _ => new Counters()).PiiDetections, count);
        }
    }

    public AgentMetrics Get(string? agentId)
    {
        var counters = agentId is null ? _total : _agents.GetValueOrDefault(agentId) ?? new Counters();
        var budget = ledger.GetSnapshot(agentId);
        return new AgentMetrics
        {
            AgentId = agentId,
            BudgetSpent = budget.Spent,
            BudgetReserved = budget.Reserved,
            BudgetLimit = budget.Limit,
            PiiDetections = Volatile.Read(ref counters.PiiDetections),
            Requests = Volatile.Read(ref counters.Requests),
            SucceededRequests = Volatile.Read(ref counters.Succeeded),
            DeniedRequests = Volatile.Read(ref counters.Denied),
            Errors = Volatile.Read(ref counters.Errors),
            InputTokens = Volatile.Read(ref counters.InputTokens),
            OutputTokens = Volatile.Read(ref counters.OutputTokens),
            CachedInputTokens = Volatile.Read(ref counters.CachedInputTokens),
            CacheCreationInputTokens = Volatile.Read(ref counters.CacheCreationInputTokens),
            ReasoningTokens = Volatile.Read(ref counters.ReasoningTokens),
            EstimatedUsageCalls = Volatile.Read(ref counters.EstimatedUsageCalls),
        };
    }

    private static void Record(Counters c, LlmCall call)
    {
        Interlocked.Increment(ref c.Requests);
        switch (call.Outcome)
        {
            case LlmCallOutcome.Succeeded: Interlocked.Increment(ref c.Succeeded); break;
            case LlmCallOutcome.Denied: Interlocked.Increment(ref c.Denied); break;
            case LlmCallOutcome.Cancelled: break;
            default: Interlocked.Increment(ref c.Errors); break;
        }

        var u = call.Usage;
        if (!u.IsEmpty)
        {
            Interlocked.Add(ref c.InputTokens, u.InputTokens);
            Interlocked.Add(ref c.OutputTokens, u.OutputTokens);
            Interlocked.Add(ref c.CachedInputTokens, u.CachedInputTokens);
            Interlocked.Add(ref c.CacheCreationInputTokens, u.CacheCreationInputTokens);
            Interlocked.Add(ref c.ReasoningTokens, u.ReasoningTokens);
            if (call.UsageEstimated)
            {
                Interlocked.Increment(ref c.EstimatedUsageCalls);
            }
        }
    }

    private sealed class Counters
    {
        public long Requests;
        public long Succeeded;
        public long Denied;
        public long Errors;
        public long InputTokens;
        public long OutputTokens;
        public long CachedInputTokens;
        public long CacheCreationInputTokens;
        public long ReasoningTokens;
        public long EstimatedUsageCalls;
        public long PiiDetections;
    }
}
