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
    public const string MeterName = LlmTelemetry.SourceName;

    private readonly IModelPricing _pricing;
    private readonly Histogram<long> _tokens;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _calls;
    private readonly Counter<double> _cost;

    public RuntimeMetrics(IMeterFactory meterFactory, IModelPricing pricing)
    {
        _pricing = pricing;
        var meter = meterFactory.Create(MeterName);
        _tokens = meter.CreateHistogram<long>("gen_ai.client.token.usage", "{token}", "Tokens used per LLM call, by type (input, output).");
        _duration = meter.CreateHistogram<double>("gen_ai.client.operation.duration", "s", "Duration of LLM calls, from entering the runtime to the end of the answer.");
        _calls = meter.CreateCounter<long>("ironruntime.llm.calls", "{call}", "LLM calls by outcome.");
        _cost = meter.CreateCounter<double>("ironruntime.llm.cost", "USD", "Cost of LLM calls in US dollars (approximate: the ledger keeps exact decimal amounts).");
    }

    public void OnCallCompleted(LlmCall call)
    {
        var provider = new KeyValuePair<string, object?>("gen_ai.provider.name", LlmTelemetry.ProviderName(call.Provider));
        var model = new KeyValuePair<string, object?>("gen_ai.request.model", call.Model);
        var operation = new KeyValuePair<string, object?>("gen_ai.operation.name", LlmTelemetry.OperationName(call.Api));
        _calls.Add(1, provider, model, new KeyValuePair<string, object?>("ironruntime.outcome", call.Outcome.ToString()),
            new KeyValuePair<string, object?>("ironruntime.usage.estimated", call.UsageEstimated));
        if (call.Outcome is LlmCallOutcome.Rejected or LlmCallOutcome.Denied)
        {
            return;
        }

        _duration.Record(call.Duration.TotalSeconds, provider, model, operation);
        if (!call.Usage.IsEmpty)
        {
            _tokens.Record(call.Usage.InputTokens, provider, model, operation, new KeyValuePair<string, object?>("gen_ai.token.type", "input"));
            _tokens.Record(call.Usage.OutputTokens, provider, model, operation, new KeyValuePair<string, object?>("gen_ai.token.type", "output"));
            if (_cost.Enabled)
            {
                _cost.Add((double)Budget.CallCost.Of(call, _pricing), provider, model);
            }
        }
    }
}
