using IronRuntime.ChatClients.Internal;
using IronRuntime.Router;
using Microsoft.Extensions.AI;
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

    /// <summary>
    /// An <see cref="IChatClient"/> (Microsoft.Extensions.AI) for <paramref name="model"/> over <see cref="HttpClient"/>:
    /// the official OpenAI client through Microsoft.Extensions.AI.OpenAI, or the official Anthropic SDK's client. Streaming,
    /// tools and usage work as with the SDKs; every call is routed, priced, metered and held to this agent's budget on the
    /// wire. A <c>UseIronRuntime()</c> middleware around it does not charge its calls a second time.
    /// </summary>
    /// <param name="model">The model, e.g. <c>gpt-4o-mini</c> or <c>claude-sonnet-4-5</c> (an <c>openai/</c> or <c>anthropic/</c> prefix picks the provider).</param>
    /// <param name="provider">The provider; <see cref="LlmProvider.Unknown"/> (the default) infers it from the model: Anthropic for <c>claude-</c> models, OpenAI otherwise.</param>
    /// <returns>The client; disposing it leaves <see cref="HttpClient"/> open.</returns>
    public IChatClient GetChatClient(string model, LlmProvider provider = LlmProvider.Unknown) =>
        GovernedChatClientFactory.Create(HttpClient, AgentId, model, provider);
}
