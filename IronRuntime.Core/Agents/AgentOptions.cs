namespace IronRuntime.Agents;

/// <summary>How to start one agent. <see cref="ProcessAgentOptions"/> adds what a child process needs.</summary>
public class AgentOptions
{
    /// <summary>The agent id; null for a generated one. Ids are unique within a runtime.</summary>
    public string? AgentId { get; set; }

    /// <summary>A display name; defaults to the id.</summary>
    public string? Name { get; set; }

    /// <summary>The agent's budget in USD; null for <see cref="RuntimeConfig.DefaultAgentBudget"/>.</summary>
    public decimal? Budget { get; set; }

    /// <summary>
    /// The agent's requests per minute; null for <see cref="IronRuntime.Budget.RateLimitOptions.AgentRequestsPerMinute"/>. Over it a
    /// call is answered 429 with <c>Retry-After</c> (see <c>WithRateLimits</c>).
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, int.MaxValue)]
    public int? RequestsPerMinute { get; set; }

    /// <summary>
    /// The agent's tokens per minute (input bound + output limit, corrected to the reported usage); null for
    /// <see cref="IronRuntime.Budget.RateLimitOptions.AgentTokensPerMinute"/>.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(long), "1", "9223372036854775807")]
    public long? TokensPerMinute { get; set; }

    /// <summary>
    /// How long a graceful stop may take (default 10 s): an in-process agent is then abandoned, a process agent's
    /// whole process tree killed.
    /// </summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Stop the agent the first time one of its calls is denied for budget (HTTP 402: its own budget or the global one
    /// cannot afford the call). Default false: the agent keeps running and its calls keep getting 402.
    /// </summary>
    public bool StopWhenBudgetExhausted { get; set; }
}
