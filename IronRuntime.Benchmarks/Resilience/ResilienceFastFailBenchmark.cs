using System.Net.Http.Headers;
using System.Text;
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
    private static readonly byte[] RequestBody = Encoding.UTF8.GetBytes(
        """{"model":"gpt-4o-mini","max_completion_tokens":200,"messages":[{"role":"user","content":"Say hello in five words."}]}""");

    private static readonly byte[] ResponseBody = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-1","object":"chat.completion","created":1741569952,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop"}],"usage":{"prompt_tokens":25,"completion_tokens":7,"total_tokens":32}}""");

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
            SendAsync(_open).GetAwaiter().GetResult();
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
    public Task<int> HealthyCall() => SendAsync(_healthy);

    [Benchmark]
    public Task<int> OpenCircuitFastFail() => SendAsync(_open);

    private static async Task<int> SendAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.openai.com/v1/chat/completions")
        {
            Content = new ByteArrayContent(RequestBody) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        using var response = await client.SendAsync(request).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        return (int)response.StatusCode + body.Length;
    }

    private static (AgentRuntime Runtime, HttpClient Client, InMemoryUpstream Upstream) Create()
    {
        var upstream = new InMemoryUpstream(ResponseBody);
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
