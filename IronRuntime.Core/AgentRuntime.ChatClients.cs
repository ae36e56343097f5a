using IronRuntime.ChatClients.Internal;
using IronRuntime.Router;
using Microsoft.Extensions.AI;

namespace IronRuntime;

public sealed partial class AgentRuntime
{
    /// <summary>The container the runtime was resolved from (its own when built without a host).</summary>
    internal IServiceProvider? Services { get; init; }

    /// <summary>
    /// An <see cref="IChatClient"/> for <paramref name="model"/> whose calls are attributed to <paramref name="agentId"/>:
    /// the same client an in-process agent gets from <see cref="Agents.AgentContext.GetChatClient"/>, over
    /// <see cref="CreateHttpClient"/>. Every call is routed, priced, metered and held to the agent's budget on the wire.
    /// </summary>
    /// <param name="model">The model, e.g. <c>gpt-4o-mini</c> or <c>claude-sonnet-4-5</c>.</param>
    /// <param name="agentId">The agent the calls are charged to (its budget applies when set with <see cref="SetBudget"/> or when it runs).</param>
    /// <param name="provider">The provider; <see cref="LlmProvider.Unknown"/> (the default) infers it from the model.</param>
    /// <returns>The client.</returns>
    public IChatClient GetChatClient(string model, string agentId, LlmProvider provider = LlmProvider.Unknown)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(agentId);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        return GovernedChatClientFactory.Create(CreateHttpClient(agentId), agentId, model, provider);
    }
}
