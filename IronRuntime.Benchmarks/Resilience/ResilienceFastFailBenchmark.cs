using BenchmarkDotNet.Attributes;
using IronRuntime.Benchmarks.Pipeline;
using IronRuntime.Resilience;
using Microsoft.Extensions.DependencyInjection;

namespace IronRuntime.Benchmarks.Resilience;

/// <summary>
/// The answer an agent gets while the provider's circuit is open (503, Retry-After, provider-shaped error, nothing
/// reserved), versus a healthy call through the same chain.
/// </summary>
[MemoryDiagnoser]
public class ResilienceFastFailBenchmark
{
    private AgentRuntime _healthyRuntime = null!;
    private AgentRuntime _openRuntime = null!;
    private HttpClient _healthy = null!;
    private HttpClient _open = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_healthyRuntime, _healthy, _) = Create();
        (_openRuntime, _open, var upstream) = Create();
        upstream.Fail = true;
        for (int i = 0; i < 2; i++)
        {
            ChatCallSample.SendAsync(_open).GetAwaiter().GetResult();
        }

        if (_openRuntime.GetProviderStates()[0].State != ProviderCircuitState.Open)
        {
            throw new InvalidOperationException("The circuit did not open.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _healthy.Dispose();
        _open.Dispose();
        _healthyRuntime.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _openRuntime.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public Task<int> HealthyCall() => ChatCallSample.SendAsync(_healthy);

    [Benchmark]
    public Task<int> OpenCircuitFastFail() => ChatCallSample.SendAsync(_open);

    private static (AgentRuntime Runtime, HttpClient Client, InMemoryUpstream Upstream) Create()
    {
        var upstream = new InMemoryUpstream(ChatCallSample.ResponseBody);
        var builder = AgentRuntime.CreateBuilder().WithBudget(1_000_000m).UseOpenAI("sk-bench").ConfigureResilience(o =>
        {
            o.MinimumThroughput = 2;
            o.MaxRetryAttempts = 0;
            o.BreakDuration = TimeSpan.FromDays(1);
        });
        builder.Services.AddHttpClient(IronRuntimeBuilder.UpstreamClientName).ConfigurePrimaryHttpMessageHandler(() => upstream);
        var runtime = builder.Build();
        return (runtime, runtime.CreateHttpClient("bench-agent"), upstream);
    }
}
