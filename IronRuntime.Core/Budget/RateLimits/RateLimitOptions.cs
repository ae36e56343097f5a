using System.ComponentModel.DataAnnotations;

namespace IronRuntime.Budget;

/// <summary>
/// Rate limits: requests and tokens per minute, for all calls together and per agent. Bound from
/// <c>IronRuntime:Budget:RateLimits</c>; set with <c>WithRateLimits</c> on the builder, per agent with
/// <see cref="Agents.AgentOptions.RequestsPerMinute"/> and <see cref="Agents.AgentOptions.TokensPerMinute"/>.
/// Null leaves a limit off. A call's tokens are its input bound plus its output limit (times its choices), counted
/// when it is admitted and corrected to the usage the provider reports when it ends. A call over a limit is answered
/// 429 with <c>Retry-After</c> and never reserves money; a call refused for money takes no rate.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>The configuration section, relative to the root: <c>IronRuntime:Budget:RateLimits</c>.</summary>
    public const string SectionName = "IronRuntime:Budget:RateLimits";

    /// <summary>Requests per minute for all calls together; null for none.</summary>
    [Range(1, int.MaxValue)]
    public int? RequestsPerMinute { get; set; }

    /// <summary>Tokens (input bound + output limit, corrected to usage) per minute for all calls together; null for none.</summary>
    [Range(typeof(long), "1", "9223372036854775807")]
    public long? TokensPerMinute { get; set; }

    /// <summary>Requests per minute each agent gets unless its start options say otherwise; null for none.</summary>
    [Range(1, int.MaxValue)]
    public int? AgentRequestsPerMinute { get; set; }

    /// <summary>Tokens per minute each agent gets unless its start options say otherwise; null for none.</summary>
    [Range(typeof(long), "1", "9223372036854775807")]
    public long? AgentTokensPerMinute { get; set; }
}
