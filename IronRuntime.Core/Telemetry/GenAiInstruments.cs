using System.Diagnostics.Metrics;
using IronRuntime.Router;

namespace IronRuntime.Telemetry;

/// <summary>
/// The OpenTelemetry GenAI client instruments on the <c>IronRuntime</c> meter, made once and shared by the wire-level
/// router's observer (<see cref="RuntimeMetrics"/>) and the chat-client middleware, with the bucket boundaries the
/// GenAI semantic conventions recommend.
/// </summary>
internal sealed class GenAiInstruments
{
    /// <summary>The meter name (also the <c>ActivitySource</c> name).</summary>
    public const string MeterName = LlmTelemetry.SourceName;

    /// <summary>The GenAI semantic conventions' advice for <c>gen_ai.client.token.usage</c>.</summary>
    public static readonly IReadOnlyList<long> TokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

    /// <summary>The GenAI semantic conventions' advice for <c>gen_ai.client.operation.duration</c>, in seconds.</summary>
    public static readonly IReadOnlyList<double> DurationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

    public GenAiInstruments(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(MeterName);
        Tokens = Meter.CreateHistogram("gen_ai.client.token.usage", "{token}", "Number of input and output tokens used.",
            tags: null, advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = TokenBuckets });
        Duration = Meter.CreateHistogram("gen_ai.client.operation.duration", "s", "GenAI operation duration.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        Calls = Meter.CreateCounter<long>("ironruntime.llm.calls", "{call}", "LLM calls by outcome.");
        Cost = Meter.CreateCounter<double>("ironruntime.llm.cost", "USD", "Cost of LLM calls in US dollars (approximate: the ledger keeps exact decimal amounts).");
        BudgetDenials = Meter.CreateCounter<long>("ironruntime.budget.denials", "{call}", "LLM calls refused because their worst case did not fit a budget.");
    }

    public Meter Meter { get; }

    public Histogram<long> Tokens { get; }

    public Histogram<double> Duration { get; }

    public Counter<long> Calls { get; }

    public Counter<double> Cost { get; }

    public Counter<long> BudgetDenials { get; }
}
