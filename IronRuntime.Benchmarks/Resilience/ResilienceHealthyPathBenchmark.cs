using BenchmarkDotNet.Attributes;
using IronRuntime.Benchmarks.Pipeline;
using IronRuntime.Resilience;
using Microsoft.Extensions.DependencyInjection;

namespace IronRuntime.Benchmarks.Resilience;

/// <summary>
/// One non-streaming chat call through the whole chain on the healthy path: without the resilience stage (baseline),
/// with the circuit breaker alone, and with the default stage (breaker, retry, first-byte and whole-call timeouts).
/// </summary>
[MemoryDiagnoser]
public class ResilienceHealthyPathBenchmark
{
    private readonly List<AgentRuntime> _runtimes = [];
    private HttpClient _without = null!;
    private HttpClient _breakerOnly = null!;
    private HttpClient _full = null!;

    [GlobalSetup]
    public void Setup()
    {
        _without = Create(o => o.Enabled = false);
        _breakerOnly = Create(o =>
        {
            o.MaxRetryAttempts = 0;
            o.FirstByteTimeout = Timeout.InfiniteTimeSpan;
            o.TotalTimeout = Timeout.InfiniteTimeSpan;
        });
        _full = Create(_ => { });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _without.Dispose();
        _breakerOnly.Dispose();
        _full.Dispose();
        foreach (var runtime in _runtimes)
        {
            runtime.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    [Benchmark(Baseline = true)]
    public Task<int> WithoutResilience() => ChatCallSample.SendAsync(_without);

    [Benchmark]
    public Task<int> CircuitBreakerOnly() => ChatCallSample.SendAsync(_breakerOnly);

    [Benchmark]
    public Task<int> DefaultResilience() => ChatCallSample.SendAsync(_full);

    private HttpClient Create(Action<ResilienceOptions> configure)
    {
        var builder = AgentRuntime.CreateBuilder().WithBudget(1_000_000m).UseOpenAI("sk-bench").ConfigureResilience(configure);
        builder.Services.AddHttpClient(IronRuntimeBuilder.UpstreamClientName).ConfigurePrimaryHttpMessageHandler(() => new InMemoryUpstream(ChatCallSample.ResponseBody));
        var runtime = builder.Build();
        _runtimes.Add(runtime);
        return runtime.CreateHttpClient("bench-agent");
    }
}
