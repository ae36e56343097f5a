using IronRuntime.Router.Errors;
using IronRuntime.Router.Internal;

namespace IronRuntime.Router.Pipeline;

/// <summary>
/// Step 5 of the chain (<see cref="LlmRouter"/>), only when resilience is on: a call whose every provider endpoint has an open circuit
/// breaker fails fast with 503 and <c>Retry-After</c>, and one whose every endpoint lacks a key with 401, before the
/// gate reserves anything.
/// </summary>
internal sealed class UpstreamAdmissionHandler(ILlmUpstreamPolicy policy, CallStageServices services) : CallStage(services)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, LlmCall call, CancellationToken cancellationToken)
    {
        if (call.Api == LlmApi.Unknown || !ShouldRefuse(call, out var unavailable))
        {
            return Next(request, cancellationToken);
        }

        if (unavailable.MissingKey)
        {
            RouterLog.CallWithoutKey(Logger, call.CallerId, call.Provider, unavailable.Endpoint);
            End(call, 401, LlmCallOutcome.Rejected);
            return Task.FromResult(ProviderErrors.MissingKey(call.AnthropicErrorShape, unavailable.Provider, unavailable.Endpoint, request));
        }

        RouterLog.CallUnavailable(Logger, call.CallerId, call.Model, unavailable.Endpoint, unavailable.RetryAfter.TotalSeconds);
        End(call, 503, LlmCallOutcome.Unavailable);
        return Task.FromResult(ProviderErrors.ProviderUnavailable(call.AnthropicErrorShape, unavailable, request));
    }

    private bool ShouldRefuse(LlmCall call, out LlmUpstreamUnavailable unavailable)
    {
        if (!policy.TryRoute(call, out var route, out unavailable))
        {
            return true;
        }

        call.Route = route;
        call.FallbackModels = route.FallbackModels;
        return false;
    }
}
