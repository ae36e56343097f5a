using BenchmarkDotNet.Attributes;
using IronRuntime.Resilience.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;

namespace IronRuntime.Benchmarks.Resilience;

/// <summary>
/// The circuit breaker alone on the healthy path: one call through an endpoint's Polly pipeline (breaker only) plus the
/// availability check before the gate, versus calling the same completed callback directly.
/// </summary>
[MemoryDiagnoser]
public class ResilienceBreakerBenchmark
{
    private static readonly HttpResponseMessage Ok = new(System.Net.HttpStatusCode.OK);
    private ProviderEndpoint _endpoint = null!;

    [GlobalSetup]
    public void Setup()
    {
        var config = new RuntimeConfig();
        config.Resilience.MaxRetryAttempts = 0;
        config.Resilience.FirstByteTimeout = Timeout.InfiniteTimeSpan;
        var resilience = new ProviderResilience(Options.Create(config), TimeProvider.System, NullLoggerFactory.Instance, new Pricing.PricingTable(Options.Create(new Pricing.PricingOptions())));
        _endpoint = resilience.GetType().GetField("_openAI", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(resilience) as ProviderEndpoint
            ?? throw new InvalidOperationException("no endpoint");
    }

    [Benchmark(Baseline = true)]
    public ValueTask<Outcome<HttpResponseMessage>> Direct() => Send(null!, 0);

    [Benchmark]
    public async ValueTask<Outcome<HttpResponseMessage>> ThroughBreaker()
    {
        _endpoint.IsAvailable(out _);
        var context = ResilienceContextPool.Shared.Get();
        try
        {
            return await _endpoint.Pipeline.ExecuteOutcomeAsync(static (ctx, state) => Send(ctx, state), context, 0).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static ValueTask<Outcome<HttpResponseMessage>> Send(ResilienceContext context, int state) => new(Outcome.FromResult(Ok));
}
