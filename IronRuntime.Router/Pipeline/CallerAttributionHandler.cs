namespace IronRuntime.Router.Pipeline;

/// <summary>
/// Step 1 of the chain (<see cref="LlmRouter"/>): marks every request sent through it as made by one caller (an agent),
/// handing it to provider routing (its inner handler) with the caller's id, synchronously or not.
/// </summary>
/// <remarks>
/// The id goes to routing as an argument rather than in <see cref="HttpRequestMessage.Options"/>: the caller's message
/// is not written to, and no options dictionary is made for it.
/// </remarks>
internal sealed class CallerAttributionHandler : DelegatingHandler
{
    private readonly string? _callerId;
    private readonly ProviderRoutingHandler _routing;

    public CallerAttributionHandler(string? callerId, ProviderRoutingHandler routing)
    {
        _callerId = callerId;
        _routing = routing;
        InnerHandler = routing;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _routing.RouteAsync(request, _callerId, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _routing.Route(request, _callerId, cancellationToken);
    }
}
