using IronRuntime.Router.Errors;
using IronRuntime.Router.Internal;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Router.Pipeline;

/// <summary>
/// Step 6 of the chain (<see cref="LlmRouter"/>): asks the <see cref="ILlmRequestGate"/> (for example the budget) whether the call may go ahead,
/// and answers a denial in the provider's error shape without contacting the provider.
/// </summary>
internal sealed class RequestGateHandler(ILlmRequestGate gate, ILlmCallCompletion completion, ILogger logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(LlmCall.OptionsKey, out var call) || call.Api == LlmApi.Unknown)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var decision = await gate.EnterAsync(call, cancellationToken).ConfigureAwait(false);
        if (!decision.IsAllowed)
        {
            call.StatusCode = (int)decision.StatusCode;
            RouterLog.CallDenied(logger, call.CallerId, call.Model, call.StatusCode, decision.ErrorType, decision.Message);
            completion.Complete(call, LlmCallOutcome.Denied);
            bool anthropicType = call.AnthropicErrorShape && decision.AnthropicErrorType is not null;
            var refused = ProviderErrors.Create(call.AnthropicErrorShape, decision.StatusCode,
                anthropicType ? decision.AnthropicErrorType! : decision.ErrorType ?? "iron_runtime_denied",
                anthropicType ? null : decision.ErrorCode, decision.Message ?? "The call was denied by IronRuntime.", request, decision.Param);
            if (decision.RetryAfter is { } retryAfter)
            {
                refused.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(
                    TimeSpan.FromSeconds(Math.Max(1L, (long)Math.Ceiling(retryAfter.TotalSeconds))));
            }

            return refused;
        }

        call.Lease = decision.Lease;
        if (call.RequestedMaxOutputTokens is null && decision.MaxOutputTokens is { } cap)
        {
            call.ImposedMaxOutputTokens = cap;
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
