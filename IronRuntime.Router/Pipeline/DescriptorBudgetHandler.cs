using IronRuntime.Router.Admission;
using IronRuntime.Router.Errors;
using IronRuntime.Router.Internal;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Router.Pipeline;

/// <summary>
/// The stage right after provider routing: takes the descriptors a call will hold from the router's
/// <see cref="DescriptorBudget"/> — one for an in-process call, two for a call that came through the loopback proxy —
/// or answers at once with a provider-shaped 503 <c>iron_runtime_overloaded</c> and <c>Retry-After</c>, before
/// anything is scanned, reserved or sent. Streams cannot take the budget's headroom, so a non-streaming call is still
/// served while streams fill the process.
/// </summary>
internal sealed class DescriptorBudgetHandler(DescriptorBudget budget, ILlmCallCompletion completion, ILogger logger) : CallStage(completion)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, LlmCall call, CancellationToken cancellationToken)
    {
        int cost = RoutedRequestMessage.IsProxied(request) ? 2 : 1;
        if (budget.TryTake(cost, call.IsStreaming) is not { } lease)
        {
            RouterLog.CallOutOfDescriptors(logger, call.CallerId, call.IsStreaming, budget.InUse, budget.Limit);
            End(call, 503, LlmCallOutcome.Overloaded);
            string message = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"IronRuntime is overloaded: its calls hold {budget.InUse} of the {budget.Limit} file descriptors it may use{(call.IsStreaming ? " (streams leave " + budget.Headroom.ToString(System.Globalization.CultureInfo.InvariantCulture) + " for short calls)" : string.Empty)}. Retry after {OverloadErrors.RetryAfter.TotalSeconds:0} s.");
            return Task.FromResult(OverloadErrors.Overloaded(call.AnthropicErrorShape, message, request));
        }

        call.AdmissionSlot = call.AdmissionSlot is { } slot ? new BothSlots(slot, lease) : lease;
        if (call.IsCompleted)
        {
            lease.Dispose();
        }

        return Next(request, cancellationToken);
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
