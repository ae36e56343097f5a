namespace IronRuntime.Agents;

/// <summary>What one agent (or, with a null id, the whole runtime) has consumed so far.</summary>
public sealed record AgentMetrics
{
    /// <summary>The agent, or null for runtime-wide totals.</summary>
    public string? AgentId { get; init; }

    /// <summary>Money spent on settled calls, in USD.</summary>
    public decimal BudgetSpent { get; init; }

    /// <summary>Money held by calls in flight, in USD.</summary>
    public decimal BudgetReserved { get; init; }

    /// <summary>The budget limit in USD, or null for none.</summary>
    public decimal? BudgetLimit { get; init; }

    /// <summary>Personal data or secrets detected in the agent's traffic.</summary>
    public long PiiDetections { get; init; }

    /// <summary><see cref="PiiDetections"/> by entity type (<c>EMAIL</c>, <c>CREDIT_CARD</c>…).</summary>
    public IReadOnlyDictionary<string, long> PiiDetectionsByType { get; init; } = EmptyCounts;

    /// <summary>LLM calls made (every outcome).</summary>
    public long Requests { get; init; }

    /// <summary>Calls that completed successfully.</summary>
    public long SucceededRequests { get; init; }

    /// <summary>Calls refused by a budget or other gate.</summary>
    public long DeniedRequests { get; init; }

    /// <summary>Calls that failed: rejected, provider errors, transport failures, streams cut short.</summary>
    public long Errors { get; init; }

    /// <summary>Prompt tokens (cached included).</summary>
    public long InputTokens { get; init; }

    /// <summary>Generated tokens (reasoning included).</summary>
    public long OutputTokens { get; init; }

    /// <summary>Prompt tokens read from the provider's cache.</summary>
    public long CachedInputTokens { get; init; }

    /// <summary>Prompt tokens written to the provider's cache.</summary>
    public long CacheCreationInputTokens { get; init; }

    /// <summary>Generated tokens spent on reasoning.</summary>
    public long ReasoningTokens { get; init; }

    /// <summary>Calls charged an estimate because the provider's usage never arrived.</summary>
    public long EstimatedCharges { get; init; }

    /// <summary>
    /// Calls that were in flight when an earlier runtime ended without settling them (a crash): each is counted in
    /// <see cref="Requests"/> and charged its full reservation, since the provider may have billed it.
    /// </summary>
    public long UnsettledRequests { get; init; }

    private static IReadOnlyDictionary<string, long> EmptyCounts { get; } = new Dictionary<string, long>(0);
}
