namespace IronRuntime.Agents;

/// <summary>How to start one agent.</summary>
public sealed class AgentOptions
{
    /// <summary>The agent id; null for a generated one. Ids are unique within a runtime.</summary>
    public string? AgentId { get; set; }

    /// <summary>A display name; defaults to the id.</summary>
    public string? Name { get; set; }

    /// <summary>The agent's budget in USD; null for <see cref="RuntimeConfig.DefaultAgentBudget"/>.</summary>
    public decimal? Budget { get; set; }

    /// <summary>How long a graceful stop may take before the agent is abandoned (default 10 s).</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
