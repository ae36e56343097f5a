using System.Globalization;
using IronRuntime.Router.Errors;
using IronRuntime.Router.Internal;
using IronRuntime.Router.Pipeline;

namespace IronRuntime.Router.Admission;

/// <summary>
/// Step 3 of the chain (<see cref="LlmRouter"/>), right after provider routing: admits a call, or answers it at once with a
/// provider-shaped 503, <c>Retry-After</c> and the type <c>iron_runtime_overloaded</c>, before anything is scanned,
/// reserved or sent; calls in flight are not touched. In this order:
/// <list type="number">
/// <item>only when a concurrency limit is configured: a slot of <see cref="CallAdmission"/> — refused for a call beyond
/// <see cref="LlmRouterOptions.MaxConcurrentCalls"/> (all callers) or <see cref="LlmRouterOptions.MaxConcurrentCallsPerCaller"/>
/// (one caller);</item>
/// <item>the descriptors the call will hold from the router's <see cref="DescriptorBudget"/> — one for an in-process
/// call, two for a call that came through the loopback proxy. Streams cannot take the budget's headroom, so a
/// non-streaming call is still served while streams fill the process.</item>
/// </list>
/// An admitted call holds what it took until it completes (the completer disposes <see cref="LlmCall.AdmissionSlot"/>),
/// a stream until it ends.
/// </summary>
/// <param name="concurrency">The concurrency limit, or <see langword="null"/> when none is configured.</param>
/// <param name="descriptors">The router's descriptor budget.</param>
/// <param name="services">What the router's stages share.</param>
internal sealed class AdmissionStage(CallAdmission? concurrency, DescriptorBudget descriptors, CallStageServices services) : CallStage(services)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, LlmCall call, CancellationToken cancellationToken)
    {
        var refused = concurrency is null ? null : TakeSlot(concurrency, request, call);
        refused ??= TakeDescriptors(request, call);
        return refused is null ? Next(request, cancellationToken) : Task.FromResult(refused);
    }

    /// <summary>Takes a concurrency slot for the call; the refusal to answer, or null to go on.</summary>
    private HttpResponseMessage? TakeSlot(CallAdmission admission, HttpRequestMessage request, LlmCall call)
    {
        if (admission.TryEnter(call.CallerId, out var refusal) is not { } slot)
        {
            RouterLog.CallOverloaded(Logger, call.CallerId, refusal.PerCaller ? "per-caller" : "global", refusal.Limit);
            End(call, 503, LlmCallOutcome.Overloaded);
            return OverloadErrors.TooManyCalls(call.AnthropicErrorShape, refusal, request);
        }

        Hold(call, slot);
        return null;
    }

    /// <summary>Takes the call's descriptors; the refusal to answer, or null to go on.</summary>
    private HttpResponseMessage? TakeDescriptors(HttpRequestMessage request, LlmCall call)
    {
        int cost = RoutedRequestMessage.IsProxied(request) ? 2 : 1;
        if (descriptors.TryTake(cost, call.IsStreaming) is not { } lease)
        {
            RouterLog.CallOutOfDescriptors(Logger, call.CallerId, call.IsStreaming, descriptors.InUse, descriptors.Limit);
            End(call, 503, LlmCallOutcome.Overloaded);
            string message = string.Create(CultureInfo.InvariantCulture,
                $"IronRuntime is overloaded: its calls hold {descriptors.InUse} of the {descriptors.Limit} file descriptors it may use{(call.IsStreaming ? " (streams leave " + descriptors.Headroom.ToString(CultureInfo.InvariantCulture) + " for short calls)" : string.Empty)}. Retry after {OverloadErrors.RetryAfter.TotalSeconds:0} s.");
            return OverloadErrors.Overloaded(call.AnthropicErrorShape, message, request);
        }

        Hold(call, lease);
        return null;
    }

    /// <summary>
    /// Lets the call hold <paramref name="taken"/> beside what it holds already, until the completer disposes both; a
    /// call completed meanwhile (which cannot happen before <c>SendAsync</c>) gives it back at once, so nothing leaks.
    /// </summary>
    private static void Hold(LlmCall call, IDisposable taken)
    {
        call.AdmissionSlot = call.AdmissionSlot is { } held ? new BothSlots(held, taken) : taken;
        if (call.IsCompleted)
        {
            taken.Dispose();
        }
    }

    private sealed class BothSlots(IDisposable first, IDisposable second) : IDisposable
    {
        public void Dispose()
        {
            first.Dispose();
            second.Dispose();
        }
    }
}
