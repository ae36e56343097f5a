using IronRuntime.Router;

namespace IronRuntime.State;

/// <summary>One completed LLM call as the runtime remembers it. Never holds prompt or response content.</summary>
/// <param name="Timestamp">When the call ended.</param>
/// <param name="AgentId">The agent, or null.</param>
/// <param name="Provider">The provider.</param>
/// <param name="Model">The model sent upstream.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="StatusCode">The HTTP status the agent received.</param>
/// <param name="Usage">Tokens used.</param>
/// <param name="Cost">Cost in USD.</param>
/// <param name="DurationMs">Duration in milliseconds.</param>
public sealed record CallRecord(
    DateTimeOffset Timestamp,
    string? AgentId,
    LlmProvider Provider,
    string Model,
    LlmCallOutcome Outcome,
    int StatusCode,
    TokenUsage Usage,
    decimal Cost,
    double DurationMs)
{
    /// <summary>True when the charge is an estimate (the provider's usage never arrived).</summary>
    public bool Estimated { get; init; }
}
