using IronRuntime.Agents;
using IronRuntime.Budget;
using IronRuntime.Budget.RateLimits;

namespace IronRuntime;

/// <summary>The limits an agent starts with: its budget (or the default one) and its rate limits.</summary>
public sealed partial class AgentRuntime
{
    /// <summary>The rate limits, for the agents' own (set when they start); null when built without them.</summary>
    internal IRateLimits? RateLimits { get; init; }

    /// <summary>An agent's own budget is set (for the fleet, with a shared ledger); the default one only seeded; its rate limits set.</summary>
    private void ApplyAgentLimits(string agentId, AgentOptions options)
    {
        if (options.Budget is { } own)
        {
            _ledger.SetLimit(agentId, own);
        }
        else if (_config.DefaultAgentBudget is { } budget)
        {
            SeedLimit(agentId, budget);
        }

        if (options.RequestsPerMinute is not null || options.TokensPerMinute is not null)
        {
            RateLimits?.SetAgentLimits(agentId, options.RequestsPerMinute, options.TokensPerMinute);
        }
    }

    /// <summary>
    /// A limit from configuration: on a fleet's shared ledger (Redis) it only seeds one the fleet does not have yet, so
    /// a limit set at run time on any instance is not undone by an instance that starts later.
    /// </summary>
    private void SeedLimit(string? agentId, decimal limit)
    {
        if (_ledger is ISharedLimits shared)
        {
            shared.SeedLimit(agentId, limit);
        }
        else
        {
            _ledger.SetLimit(agentId, limit);
        }
    }
}
