namespace IronRuntime.Router.Pipeline;

/// <summary>Step 1 of the chain (<see cref="LlmRouter"/>): marks every request sent through it as made by one caller (an agent).</summary>
internal sealed class CallerAttributionHandler(string? callerId) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (callerId is not null)
        {
            request.Options.Set(LlmCall.CallerKey, callerId);
        }

        return base.SendAsync(request, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (callerId is not null)
        {
            request.Options.Set(LlmCall.CallerKey, callerId);
        }

        return base.Send(request, cancellationToken);
    }
}
