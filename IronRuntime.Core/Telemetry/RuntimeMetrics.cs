using System.Diagnostics.Metrics;
using IronRuntime.Pricing;
using IronRuntime.Router;

namespace IronRuntime.Telemetry;

/// <summary>
/// The runtime's metrics on the <c>IronRuntime</c> meter (from <see cref="IMeterFactory"/>): GenAI token usage and
/// operation duration by the OpenTelemetry conventions, plus calls by outcome and cost.
/// </summary>
internal sealed class RuntimeMetrics : ILlmCallObserver
{
    /// <summary>The meter name.</summary>
    public const string MeterName = GenAiInstruments.MeterName;

    private readonly IModelPricing _pricing;
    private readonly Histogram<long> _tokens;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _calls;
    private readonly Counter<double> _cost;
    private readonly Counter<long> _denials;
    private readonly RuntimeGauges _gauges;

    public RuntimeMetrics(GenAiInstruments instruments, IModelPricing pricing, RuntimeGauges gauges)
    {
        _pricing = pricing;
        _gauges = gauges;
        _tokens = instruments.Tokens;
        _duration = instruments.Duration;
        _calls = instruments.Calls;
        _cost = instruments.Cost;
        _denials = instruments.BudgetDenials;
    }

    public void OnCallCompleted(LlmCall call)
    {
        _gauges.Track(call.CallerId);
        if (call.StreamTimedOut)
        {
            _gauges.StreamTimedOut(LlmTelemetry.ProviderName(call.Provider), call.Model);
        }

        // Each instrument only when listened to: the tags cost a string and a box per call even when nobody listens.
        if (_calls.Enabled)
        {
            AddCall(call);
        }

        if (call.Outcome is LlmCallOutcome.Rejected or LlmCallOutcome.Denied)
        {
            if (call.StatusCode == 402 && _denials.Enabled)
            {
                _denials.Add(1, Provider(call), Model(call), new KeyValuePair<string, object?>("ironruntime.agent.id", call.CallerId));
            }

            return;
        }

        if (_duration.Enabled)
        {
            _duration.Record(call.Duration.TotalSeconds, Provider(call), Model(call), Operation(call));
        }

        if (!call.Usage.IsEmpty)
        {
            if (_tokens.Enabled)
            {
                _tokens.Record(call.Usage.InputTokens, Provider(call), Model(call), Operation(call), new KeyValuePair<string, object?>("gen_ai.token.type", "input"));
                _tokens.Record(call.Usage.OutputTokens, Provider(call), Model(call), Operation(call), new KeyValuePair<string, object?>("gen_ai.token.type", "output"));
            }

            if (_cost.Enabled)
            {
                _cost.Add((double)Budget.CallCost.Of(call, _pricing), Provider(call), Model(call));
            }
        }
    }

    private void AddCall(LlmCall call) => _calls.Add(1, Provider(call), Model(call),
        new KeyValuePair<string, object?>("ironruntime.outcome", call.Outcome.ToString()),
        new KeyValuePair<string, object?>("ironruntime.usage.estimated", call.UsageEstimated));

    private static KeyValuePair<string, object?> Provider(LlmCall call) => new("gen_ai.provider.name", LlmTelemetry.ProviderName(call.Provider));

    private static KeyValuePair<string, object?> Model(LlmCall call) => new("gen_ai.request.model", call.Model);

    private static KeyValuePair<string, object?> Operation(LlmCall call) => new("gen_ai.operation.name", LlmTelemetry.OperationName(call.Api));
}
