using IronRuntime.Internal;
using IronRuntime.Pricing;
using IronRuntime.Router;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IronRuntime.Telemetry;

/// <summary>With <see cref="RuntimeConfig.Verbose"/>, logs every completed call with its tokens and cost.</summary>
internal sealed class CallLogObserver(IOptions<RuntimeConfig> config, IModelPricing pricing, ILogger<CallLogObserver> logger) : ILlmCallObserver
{
    private readonly bool _verbose = config.Value.Verbose;

    public void OnCallCompleted(LlmCall call)
    {
        if (!_verbose || !logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        decimal cost = Budget.CallCost.Of(call, pricing);
        CoreLog.CallSummary(logger, call.CallerId, call.Provider, call.Model, call.Outcome, call.StatusCode,
            call.Usage.InputTokens, call.Usage.OutputTokens, cost, call.Duration.TotalMilliseconds);
    }
}
