using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace IronRuntime.Benchmarks.Pipeline;

/// <summary>
/// The whole handler chain (routing, budget gate, metering) for one non-streaming chat call, in a real container,
/// against an in-memory upstream — versus a bare <see cref="HttpClient"/> on the same upstream.
/// </summary>
[MemoryDiagnoser]
public class HandlerChainBenchmark
{
    private AgentRuntime _runtime = null!;
    private HttpClient _governed = null!;
    private HttpClient _bare = null!;

    [GlobalSetup]
    public void Setup()
    {
        var builder = AgentRuntime.CreateBuilder().WithBudget(1_000_000m).UseOpenAI("sk-bench");
        builder.Services.AddHttpClient(IronRuntimeBuilder.UpstreamClientName).ConfigurePrimaryHttpMessageHandler(() => new InMemoryUpstream(ChatCallSample.ResponseBody));
        _runtime = builder.Build();
        _governed = _runtime.CreateHttpClient("bench-agent");
        _bare = new HttpClient(new InMemoryUpstream(ChatCallSample.ResponseBody));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _governed.Dispose();
        _bare.Dispose();
        _runtime.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public Task<int> BareHttpClient() => ChatCallSample.SendAsync(_bare);

    [Benchmark]
    public Task<int> ThroughRuntime() => ChatCallSample.SendAsync(_governed);
}
