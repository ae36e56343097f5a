using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace IronRuntime.ChatClients.Internal;

/// <summary>
/// Wraps an SDK's <see cref="IChatClient"/> whose calls the router governs on the wire (the clients of
/// <see cref="Agents.AgentContext.GetChatClient"/> and <see cref="AgentRuntime.GetChatClient"/>). It marks them: the
/// <c>UseIronRuntime</c> middleware finds it through <see cref="GetService"/> and lets such calls pass uncharged, so a
/// call is never charged twice. And it raises the router's refusals (402, 503, blocked content) as the same typed
/// exceptions the middleware throws (<see cref="WireRefusals"/>).
/// </summary>
internal sealed class WireGovernedChatClient(IChatClient inner, string agentId) : DelegatingChatClient(inner)
{
    /// <summary>The agent the wire attributes the calls to.</summary>
    public string AgentId { get; } = agentId;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (WireRefusals.Translate(ex, AgentId, ModelOf(options)) is { } refused)
        {
            throw refused;
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var updates = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (await MoveAsync(updates, options).ConfigureAwait(false))
            {
                yield return updates.Current;
            }
        }
        finally
        {
            await updates.DisposeAsync().ConfigureAwait(false);
        }
    }

    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(WireGovernedChatClient) ? this : base.GetService(serviceType, serviceKey);
    }

    private async ValueTask<bool> MoveAsync(IAsyncEnumerator<ChatResponseUpdate> updates, ChatOptions? options)
    {
        try
        {
            return await updates.MoveNextAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (WireRefusals.Translate(ex, AgentId, ModelOf(options)) is { } refused)
        {
            throw refused;
        }
    }

    private string? ModelOf(ChatOptions? options) => options?.ModelId ?? (GetService(typeof(ChatClientMetadata)) as ChatClientMetadata)?.DefaultModelId;
}
