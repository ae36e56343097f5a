using System.Diagnostics.CodeAnalysis;

namespace IronRuntime.Router.Pipeline;

/// <summary>
/// A request message the router owns for one call — the upstream copy that provider routing makes of a caller's
/// request, or the loopback proxy's message — carrying its <see cref="LlmCall"/> in a field, so that each stage
/// finds the call with a type check instead of a lookup in <see cref="HttpRequestMessage.Options"/> (a string hash per
/// stage, and a dictionary per message).
/// </summary>
internal sealed class RoutedRequestMessage(HttpMethod method, Uri? requestUri) : HttpRequestMessage(method, requestUri)
{
    /// <summary>The call, set by provider routing when it builds the message.</summary>
    public LlmCall? Call { get; set; }

    /// <summary>Who sends the proxy's message (set by <see cref="LlmRouter.SendAsync"/>), or null.</summary>
    public string? CallerId { get; set; }

    /// <summary>
    /// Whether the message came from the loopback proxy: the agent's connection holds a file descriptor too, and the
    /// message, built for this call only, is the router's to send on rather than copy (<see cref="UpstreamRequest"/>).
    /// </summary>
    public bool Proxied { get; init; }

    /// <summary>The call a stage of the chain handles, set by provider routing (<see cref="Call"/>).</summary>
    /// <param name="request">The request the stage was given.</param>
    /// <param name="call">The call.</param>
    /// <returns>Whether the request carries a call.</returns>
    public static bool TryGetCall(HttpRequestMessage request, [NotNullWhen(true)] out LlmCall? call)
    {
        call = (request as RoutedRequestMessage)?.Call;
        return call is not null;
    }

    /// <summary>Whether <paramref name="request"/> came through the loopback proxy (<see cref="Proxied"/>).</summary>
    /// <param name="request">A request of the chain.</param>
    /// <returns>True for the proxy's messages.</returns>
    public static bool IsProxied(HttpRequestMessage request) => request is RoutedRequestMessage { Proxied: true };
}
