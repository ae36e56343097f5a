using IronRuntime.Agents;
using IronRuntime.Router;

namespace IronRuntime.State;

/// <summary>The running totals of one account as the state store keeps them (touched by the writer only).</summary>
internal sealed class StateTotals
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
    public long Estimated;
    public long Unsettled;
    public decimal Spent;

    public Dictionary<string, long> PiiByType { get; } = new(StringComparer.Ordinal);

    /// <summary>Adds one call, counted the way <see cref="AgentMetricsCollector"/> counts it.</summary>
    public void Add(CallRecord r)
    {
        Requests++;
        switch (r.Outcome)
        {
            case LlmCallOutcome.Succeeded: Succeeded++; break;
            case LlmCallOutcome.Denied: Denied++; break;
            case LlmCallOutcome.Cancelled: break;
            default: Errors++; break;
        }

        InputTokens += r.Usage.InputTokens;
        OutputTokens += r.Usage.OutputTokens;
        CachedInputTokens += r.Usage.CachedInputTokens;
        CacheCreationInputTokens += r.Usage.CacheCreationInputTokens;
        ReasoningTokens += r.Usage.ReasoningTokens;
        Estimated += r.Estimated ? 1 : 0;
        Spent += r.Cost;
    }

    /// <summary>Adds a call that was in flight at a crash, charged its reservation.</summary>
    public void AddUnsettled(decimal amount)
    {
        Requests++;
        Unsettled++;
        Spent += amount;
    }

    public void AddPii(string entityType)
    {
        PiiDetections++;
        PiiByType[entityType] = PiiByType.GetValueOrDefault(entityType) + 1;
    }

    public AgentMetrics ToMetrics(string? agentId) => new()
    {
        AgentId = agentId,
        BudgetSpent = Spent,
        Requests = Requests,
        SucceededRequests = Succeeded,
        DeniedRequests = Denied,
        Errors = Errors,
        InputTokens = InputTokens,
        OutputTokens = OutputTokens,
        CachedInputTokens = CachedInputTokens,
        CacheCreationInputTokens = CacheCreationInputTokens,
        ReasoningTokens = ReasoningTokens,
        PiiDetections = PiiDetections,
        PiiDetectionsByType = new Dictionary<string, long>(PiiByType, StringComparer.Ordinal),
        EstimatedCharges = Estimated,
        UnsettledRequests = Unsettled,
    };
}
