using IronRuntime.Router.Errors;
using IronRuntime.Router.Internal;

namespace IronRuntime.Router.Pipeline;

/// <summary>
/// Step 6 of the chain (<see cref="LlmRouter"/>): asks the <see cref="ILlmRequestGate"/> (for example the budget) whether the call may go ahead,
/// and answers a denial in the provider's error shape without contacting the provider.
/// </summary>
internal sealed class RequestGateHandler(ILlmRequestGate gate, CallStageServices services) : CallStage(services)
{
    /// <remarks>
    /// Not an async method: a gate that decides from memory completes its <see cref="ValueTask{TResult}"/> at once, and
    /// the call then goes on (or is refused) without a state machine of this stage.
    /// </remarks>
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, LlmCall call, CancellationToken cancellationToken)
    {
        if (call.Api == LlmApi.Unknown)
        {
            return Next(request, cancellationToken);
        }

        var entering = gate.EnterAsync(call, cancellationToken);
        return entering.IsCompletedSuccessfully
            ? Decide(request, call, entering.Result, cancellationToken)
            : EnterAsync(request, call, entering, cancellationToken);
    }

    private async Task<HttpResponseMessage> EnterAsync(HttpRequestMessage request, LlmCall call, ValueTask<LlmGateDecision> entering, CancellationToken cancellationToken)
    {
        var decision = await entering.ConfigureAwait(false);
        return await Decide(request, call, decision, cancellationToken).ConfigureAwait(false);
    }

    private Task<HttpResponseMessage> Decide(HttpRequestMessage request, LlmCall call, LlmGateDecision decision, CancellationToken cancellationToken)
    {
        if (!decision.IsAllowed)
        {
            return Task.FromResult(Refuse(request, call, decision));
        }

        call.Lease = decision.Lease;
        if (call.RequestedMaxOutputTokens is null && decision.MaxOutputTokens is { } cap)
        {
            call.ImposedMaxOutputTokens = cap;
        }

        return Next(request, cancellationToken);
    }

    private HttpResponseMessage Refuse(HttpRequestMessage request, LlmCall call, LlmGateDecision decision)
    {
        RouterLog.CallDenied(Logger, call.CallerId, call.Model, (int)decision.StatusCode, decision.ErrorType, decision.Message);
        End(call, (int)decision.StatusCode, LlmCallOutcome.Denied);
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
}
