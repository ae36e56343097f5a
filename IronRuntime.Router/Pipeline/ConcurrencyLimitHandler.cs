using IronRuntime.Router.Admission;
using IronRuntime.Router.Errors;
using IronRuntime.Router.Internal;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Router.Pipeline;

/// <summary>
/// Step 3 of the chain (<see cref="LlmRouter"/>), only when a concurrency limit is configured: a call beyond
/// <see cref="LlmRouterOptions.MaxConcurrentCalls"/> (all callers) or <see cref="LlmRouterOptions.MaxConcurrentCallsPerCaller"/>
/// (one caller) is answered at once with a provider-shaped 503, <c>Retry-After</c> and the type
/// <c>iron_runtime_overloaded</c>, before anything is scanned or reserved; calls in flight are not touched. An admitted
/// call holds its slot until it completes (the completer disposes it), a stream until it ends.
/// </summary>
internal sealed class ConcurrencyLimitHandler(CallAdmission admission, ILlmCallCompletion completion, ILogger logger) : CallStage(completion)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, LlmCall call, CancellationToken cancellationToken)
    {
        if (admission.TryEnter(call.CallerId, out var refusal) is not { } slot)
        {
            RouterLog.CallOverloaded(logger, call.CallerId, refusal.PerCaller ? "per-caller" : "global", refusal.Limit);
            End(call, 503, LlmCallOutcome.Overloaded);
            return Task.FromResult(OverloadErrors.TooManyCalls(call.AnthropicErrorShape, refusal, request));
        }

        call.AdmissionSlot = slot;
        if (call.IsCompleted)
        {
            slot.Dispose(); // completed meanwhile (cannot happen before SendAsync, but never leak a slot)
        }

        return Next(request, cancellationToken);
    }
}
