using System.Net.Http.Headers;
using System.Text;
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
    private static readonly byte[] RequestBody = Encoding.UTF8.GetBytes(
        """{"model":"gpt-4o-mini","max_completion_tokens":200,"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Say hello in five words."}]}""");

    private static readonly byte[] ResponseBody = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1741569952,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there, nice to meet!","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":25,"completion_tokens":7,"total_tokens":32,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_06737a9306"}""");

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
    public Task<int> WithoutResilience() => SendAsync(_without);

    [Benchmark]
    public Task<int> CircuitBreakerOnly() => SendAsync(_breakerOnly);

    [Benchmark]
    public Task<int> DefaultResilience() => SendAsync(_full);

    private static async Task<int> SendAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.openai.com/v1/chat/completions")
        {
            Content = new ByteArrayContent(RequestBody) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        using var response = await client.SendAsync(request).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        return body.Length;
    }

    private HttpClient Create(Action<ResilienceOptions> configure)
    {
        var builder = AgentRuntime.CreateBuilder().WithBudget(1_000_000m).UseOpenAI("sk-bench").ConfigureResilience(configure);
        builder.Services.AddHttpClient(IronRuntimeBuilder.UpstreamClientName).ConfigurePrimaryHttpMessageHandler(() => new InMemoryUpstream(ResponseBody));
        var runtime = builder.Build();
        _runtimes.Add(runtime);
        return runtime.CreateHttpClient("bench-agent");
    }
}
