using Microsoft.Extensions.AI;

namespace IronRuntime.ChatClients.Internal;

/// <summary>
/// Marks an <see cref="IChatClient"/> whose calls the router already governs on the wire (the clients of
/// <see cref="Agents.AgentContext.GetChatClient"/> and <see cref="AgentRuntime.GetChatClient"/>): the
/// <c>UseIronRuntime</c> middleware finds it through <see cref="GetService"/> and lets such calls pass uncharged, so a
/// call is never charged twice.
/// </summary>
internal sealed class WireGovernedChatClient(IChatClient inner, string agentId) : DelegatingChatClient(inner)
{
    /// <summary>The agent the wire attributes the calls to.</summary>
    public string AgentId { get; } = agentId;

    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(WireGovernedChatClient) ? this : base.GetService(serviceType, serviceKey);
    }
}
