using Microsoft.Extensions.Logging;

namespace IronRuntime.Agents;

/// <summary>What an in-process agent gets from the runtime.</summary>
public sealed class AgentContext
{
    internal AgentContext(string agentId, string name, HttpClient httpClient, ILogger logger, CancellationToken stoppingToken)
    {
        AgentId = agentId;
        Name = name;
        HttpClient = httpClient;
        Logger = logger;
        StoppingToken = stoppingToken;
    }

    /// <summary>The agent's id.</summary>
    public string AgentId { get; }

    /// <summary>The agent's display name.</summary>
    public string Name { get; }

    /// <summary>
    /// The client for every LLM call the agent makes: calls are routed to the provider, the real key injected,
    /// the budget enforced and usage attributed to this agent. Address it like the provider
    /// (<c>https://api.openai.com/v1/chat/completions</c>, or just <c>/v1/chat/completions</c>), or hand it to an
    /// official SDK as its transport with any placeholder key.
    /// </summary>
    public HttpClient HttpClient { get; }

    /// <summary>A logger whose records carry the agent's category.</summary>
    public ILogger Logger { get; }

    /// <summary>Cancelled when the agent is asked to stop.</summary>
    public CancellationToken StoppingToken { get; }
}
