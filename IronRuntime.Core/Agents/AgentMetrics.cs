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

    /// <summary>Calls whose usage the provider never reported, charged at the runtime's estimate (see <see cref="Router.LlmCall.UsageEstimated"/>).</summary>
    public long EstimatedUsageCalls { get; init; }
}
