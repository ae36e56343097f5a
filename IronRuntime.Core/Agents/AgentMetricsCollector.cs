using System.Collections.Concurrent;
using IronRuntime.Budget;
using IronRuntime.Router;

namespace IronRuntime.Agents;

/// <summary>Counts every completed call per agent (lock-free) and composes metrics with the ledger's spend.</summary>
internal sealed class AgentMetricsCollector(IBudgetLedger ledger) : ILlmCallObserver
{
    private readonly Counters _total = new();
    private readonly ConcurrentDictionary<string, Counters> _agents = new(StringComparer.Ordinal);

    public void OnCallCompleted(LlmCall call) => Record(call.CallerId, call.Outcome, call.Usage, call.UsageEstimated);

    /// <summary>Counts a call that did not go through the router (the chat-client middleware's), as for a routed one.</summary>
    public void Record(string? agentId, LlmCallOutcome outcome, TokenUsage usage, bool estimated)
    {
        Record(_total, outcome, usage, estimated);
        if (agentId is not null)
        {
            Record(_agents.GetOrAdd(agentId, static _ => new Counters()), outcome, usage, estimated);
        }
    }

    /// <summary>Adds one PII detection of <paramref name="entityType"/> for an agent (from the safety subsystem).</summary>
    public void AddPiiDetection(string? agentId, string entityType)
    {
        _total.AddPii(entityType, 1);
        if (agentId is not null)
        {
            _agents.GetOrAdd(agentId, static _ => new Counters()).AddPii(entityType, 1);
        }
    }

    /// <summary>Adds the counts an earlier run recorded (spend excluded: the ledger holds it).</summary>
    public void Restore(AgentMetrics stored)
    {
        var c = stored.AgentId is null ? _total : _agents.GetOrAdd(stored.AgentId, static _ => new Counters());
        Interlocked.Add(ref c.Requests, stored.Requests);
        Interlocked.Add(ref c.Succeeded, stored.SucceededRequests);
        Interlocked.Add(ref c.Denied, stored.DeniedRequests);
        Interlocked.Add(ref c.Errors, stored.Errors);
        Interlocked.Add(ref c.InputTokens, stored.InputTokens);
        Interlocked.Add(ref c.OutputTokens, stored.OutputTokens);
        Interlocked.Add(ref c.CachedInputTokens, stored.CachedInputTokens);
        Interlocked.Add(ref c.CacheCreationInputTokens, stored.CacheCreationInputTokens);
        Interlocked.Add(ref c.ReasoningTokens, stored.ReasoningTokens);
        Interlocked.Add(ref c.EstimatedCharges, stored.EstimatedCharges);
        Interlocked.Add(ref c.Unsettled, stored.UnsettledRequests);
        foreach (var (type, count) in stored.PiiDetectionsByType)
        {
            c.AddPii(type, count);
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
            PiiDetectionsByType = counters.PiiByType.ToDictionary(kv => kv.Key, kv => Volatile.Read(ref kv.Value.Value), StringComparer.Ordinal),
            Requests = Volatile.Read(ref counters.Requests),
            SucceededRequests = Volatile.Read(ref counters.Succeeded),
            DeniedRequests = Volatile.Read(ref counters.Denied),
            Errors = Volatile.Read(ref counters.Errors),
            InputTokens = Volatile.Read(ref counters.InputTokens),
            OutputTokens = Volatile.Read(ref counters.OutputTokens),
            CachedInputTokens = Volatile.Read(ref counters.CachedInputTokens),
            CacheCreationInputTokens = Volatile.Read(ref counters.CacheCreationInputTokens),
            ReasoningTokens = Volatile.Read(ref counters.ReasoningTokens),
            EstimatedCharges = Volatile.Read(ref counters.EstimatedCharges),
            UnsettledRequests = Volatile.Read(ref counters.Unsettled),
        };
    }

    private static void Record(Counters c, LlmCallOutcome outcome, TokenUsage u, bool estimated)
    {
        Interlocked.Increment(ref c.Requests);
        switch (outcome)
        {
            case LlmCallOutcome.Succeeded: Interlocked.Increment(ref c.Succeeded); break;
            case LlmCallOutcome.Denied: Interlocked.Increment(ref c.Denied); break;
            case LlmCallOutcome.Cancelled: break;
            default: Interlocked.Increment(ref c.Errors); break;
        }

        if (!u.IsEmpty)
        {
            Interlocked.Add(ref c.InputTokens, u.InputTokens);
            Interlocked.Add(ref c.OutputTokens, u.OutputTokens);
            Interlocked.Add(ref c.CachedInputTokens, u.CachedInputTokens);
            Interlocked.Add(ref c.CacheCreationInputTokens, u.CacheCreationInputTokens);
            Interlocked.Add(ref c.ReasoningTokens, u.ReasoningTokens);
            if (estimated)
            {
                Interlocked.Increment(ref c.EstimatedCharges);
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
        public long PiiDetections;
        public long EstimatedCharges;
        public long Unsettled;

        public ConcurrentDictionary<string, System.Runtime.CompilerServices.StrongBox<long>> PiiByType { get; } = new(StringComparer.Ordinal);

        public void AddPii(string entityType, long count)
        {
            Interlocked.Add(ref PiiByType.GetOrAdd(entityType, static _ => new(0)).Value, count);
            Interlocked.Add(ref PiiDetections, count);
        }
    }
}
