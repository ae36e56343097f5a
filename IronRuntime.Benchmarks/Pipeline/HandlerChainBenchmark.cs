using System.Net;
using System.Net.Http.Headers;
using System.Text;
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
    private static readonly byte[] RequestBody = Encoding.UTF8.GetBytes(
        """{"model":"gpt-4o-mini","max_completion_tokens":200,"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Say hello in five words."}]}""");

    private static readonly byte[] ResponseBody = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1741569952,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there, nice to meet!","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":25,"completion_tokens":7,"total_tokens":32,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_06737a9306"}""");

    private AgentRuntime _runtime = null!;
    private HttpClient _governed = null!;
    private HttpClient _bare = null!;

    [GlobalSetup]
    public void Setup()
    {
        var builder = AgentRuntime.CreateBuilder().WithBudget(1_000_000m).UseOpenAI("sk-bench");
        builder.Services.AddHttpClient(IronRuntimeBuilder.UpstreamClientName).ConfigurePrimaryHttpMessageHandler(() => new InMemoryUpstream(ResponseBody));
        _runtime = builder.Build();
        _governed = _runtime.CreateHttpClient("bench-agent");
        _bare = new HttpClient(new InMemoryUpstream(ResponseBody));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _governed.Dispose();
        _bare.Dispose();
        _runtime.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public Task<int> BareHttpClient() => SendAsync(_bare);

    [Benchmark]
    public Task<int> ThroughRuntime() => SendAsync(_governed);

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
}
