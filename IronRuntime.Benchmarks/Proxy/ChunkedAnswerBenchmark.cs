using System.Net.Http.Headers;
using BenchmarkDotNet.Attributes;

namespace IronRuntime.Benchmarks.Proxy;

/// <summary>
/// A non-streaming call whose answer comes chunked (no <c>Content-Length</c>, as OpenAI's and Anthropic's do), sent
/// straight to <see cref="LoopbackUpstream"/> (the baseline) and through the runtime's loopback proxy, one at a time.
/// The router reads such an answer whole before metering it; the allocated column shows what that costs (issue #15:
/// 12 KB of growing buffers for a 700-byte answer before it was read into pooled arrays).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ChunkedAnswerBenchmark
{
    private ProxyBench _bench = null!;

    [GlobalSetup]
    public void Setup() => _bench = ProxyBench.Start(chunkedAnswer: true);

    [GlobalCleanup]
    public void Cleanup() => _bench.Dispose();

    [Benchmark(Baseline = true)]
    public Task<int> Direct() => CallAsync(_bench.Direct);

    [Benchmark]
    public Task<int> ThroughProxy() => CallAsync(_bench.ThroughProxy);

    private static async Task<int> CallAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new ByteArrayContent(ProxyOverheadBenchmark.ChatBody) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        using var response = await client.SendAsync(request).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false)).Length;
    }
}
