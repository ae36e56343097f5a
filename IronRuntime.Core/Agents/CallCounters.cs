using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using IronRuntime.Router;

namespace IronRuntime.Agents;

/// <summary>
/// The call counters of one account (all calls, or one agent's): how a call's outcome and usage are counted, in one
/// place for the live metrics (<see cref="AgentMetricsCollector"/>, many threads) and the state store's persisted
/// totals (<see cref="State.StateTotals"/>, one writer). Lock-free: every change is an <see cref="Interlocked"/> add.
/// </summary>
internal sealed class CallCounters
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

    /// <summary>PII detections by entity type.</summary>
    public ConcurrentDictionary<string, StrongBox<long>> PiiByType { get; } = new(StringComparer.Ordinal);

    /// <summary>Counts one completed call: its outcome (a cancelled call is neither a success nor an error), its tokens, and whether it was charged an estimate.</summary>
    public void Record(LlmCallOutcome outcome, TokenUsage usage, bool estimated)
    {
        Interlocked.Increment(ref Requests);
        switch (outcome)
        {
            case LlmCallOutcome.Succeeded: Interlocked.Increment(ref Succeeded); break;
            case LlmCallOutcome.Denied: Interlocked.Increment(ref Denied); break;
            case LlmCallOutcome.Cancelled: break;
            default: Interlocked.Increment(ref Errors); break;
        }

        if (estimated)
        {
            Interlocked.Increment(ref EstimatedCharges);
        }

        if (!usage.IsEmpty)
        {
            // An interlocked add of zero changes nothing: most calls report no cached, cache-write or reasoning tokens.
            AddNonZero(ref InputTokens, usage.InputTokens);
            AddNonZero(ref OutputTokens, usage.OutputTokens);
            AddNonZero(ref CachedInputTokens, usage.CachedInputTokens);
            AddNonZero(ref CacheCreationInputTokens, usage.CacheCreationInputTokens);
            AddNonZero(ref ReasoningTokens, usage.ReasoningTokens);
        }
    }

    private static void AddNonZero(ref long counter, long value)
    {
        if (value != 0)
        {
            Interlocked.Add(ref counter, value);
        }
    }

    /// <summary>Counts a call that was in flight when an earlier runtime ended without settling it.</summary>
    public void AddUnsettled()
    {
        Interlocked.Increment(ref Requests);
        Interlocked.Increment(ref Unsettled);
    }

    /// <summary>Adds <paramref name="count"/> PII detections of <paramref name="entityType"/>.</summary>
    public void AddPii(string entityType, long count)
    {
        Interlocked.Add(ref PiiByType.GetOrAdd(entityType, static _ => new(0)).Value, count);
        Interlocked.Add(ref PiiDetections, count);
    }

    /// <summary>Adds the counts of <paramref name="stored"/> (spend excluded).</summary>
    public void Add(AgentMetrics stored)
    {
        Interlocked.Add(ref Requests, stored.Requests);
        Interlocked.Add(ref Succeeded, stored.SucceededRequests);
        Interlocked.Add(ref Denied, stored.DeniedRequests);
        Interlocked.Add(ref Errors, stored.Errors);
        Interlocked.Add(ref InputTokens, stored.InputTokens);
        Interlocked.Add(ref OutputTokens, stored.OutputTokens);
        Interlocked.Add(ref CachedInputTokens, stored.CachedInputTokens);
        Interlocked.Add(ref CacheCreationInputTokens, stored.CacheCreationInputTokens);
        Interlocked.Add(ref ReasoningTokens, stored.ReasoningTokens);
        Interlocked.Add(ref EstimatedCharges, stored.EstimatedCharges);
        Interlocked.Add(ref Unsettled, stored.UnsettledRequests);
        foreach (var (type, count) in stored.PiiDetectionsByType)
        {
            AddPii(type, count);
        }
    }

    /// <summary>The counters as metrics of <paramref name="agentId"/> (null: all calls); the budget members are left for the caller.</summary>
    public AgentMetrics ToMetrics(string? agentId) => new()
    {
        AgentId = agentId,
        PiiDetections = Volatile.Read(ref PiiDetections),
        PiiDetectionsByType = PiiByType.ToDictionary(kv => kv.Key, kv => Volatile.Read(ref kv.Value.Value), StringComparer.Ordinal),
        Requests = Volatile.Read(ref Requests),
        SucceededRequests = Volatile.Read(ref Succeeded),
        DeniedRequests = Volatile.Read(ref Denied),
        Errors = Volatile.Read(ref Errors),
        InputTokens = Volatile.Read(ref InputTokens),
        OutputTokens = Volatile.Read(ref OutputTokens),
        CachedInputTokens = Volatile.Read(ref CachedInputTokens),
        CacheCreationInputTokens = Volatile.Read(ref CacheCreationInputTokens),
        ReasoningTokens = Volatile.Read(ref ReasoningTokens),
        EstimatedCharges = Volatile.Read(ref EstimatedCharges),
        UnsettledRequests = Volatile.Read(ref Unsettled),
    };
}
