using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Text;
using BenchmarkDotNet.Attributes;
using IronRuntime.Router.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace IronRuntime.Benchmarks.Proxy;

/// <summary>
/// Bytes per forwarded event through the loopback proxy (issue #15): one whole streamed answer of <see cref="Events"/>
/// chat chunks, each flushed on its own by the provider, read to its end directly (baseline) and through the proxy.
/// The allocation per forwarded event is the slope between the two sizes:
/// (Allocated at 1,000 events − Allocated at 10 events) / 990, for each path.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ProxyStreamEventsBenchmark
{
    private static readonly byte[] Chunk = Encoding.UTF8.GetBytes(
        """data: {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"content":" word"},"logprobs":null,"finish_reason":null}],"usage":null}""" + "\n\n");

    private static readonly byte[] End = Encoding.UTF8.GetBytes(
        """data: {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-mini-2024-07-18","choices":[],"usage":{"prompt_tokens":25,"completion_tokens":7,"total_tokens":32}}""" + "\n\ndata: [DONE]\n\n");

    private ProxyBench _bench = null!;
    private byte[] _body = [];

    /// <summary>Events in the streamed answer.</summary>
    [Params(10, 1000)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _bench = ProxyBench.Over(LoopbackServer.StartAsync(0, null, AnswerAsync, NullLoggerFactory.Instance, CancellationToken.None).GetAwaiter().GetResult());
        _body = Encoding.UTF8.GetBytes(
            $$"""{"model":"gpt-4o-mini","max_completion_tokens":{{Events}},"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Count."}]}""");
    }

    [GlobalCleanup]
    public void Cleanup() => _bench.Dispose();

    [Benchmark(Baseline = true)]
    public Task<long> Direct() => ReadWholeStreamAsync(_bench.Direct);

    [Benchmark]
    public Task<long> ThroughProxy() => ReadWholeStreamAsync(_bench.ThroughProxy);

    private static async Task AnswerAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body).ConfigureAwait(false);
        ReadOnlySpan<byte> json = body.GetBuffer().AsSpan(0, (int)body.Length);
        int at = json.IndexOf("\"max_completion_tokens\":"u8);
        int events = at >= 0 && Utf8Parser.TryParse(json[(at + 24)..], out int n, out _) ? n : 1;
        HttpResponse response = context.Response;
        response.ContentType = "text/event-stream";
        for (int i = 0; i < events; i++)
        {
            await response.Body.WriteAsync(Chunk).ConfigureAwait(false);
            await response.Body.FlushAsync().ConfigureAwait(false);
        }

        await response.Body.WriteAsync(End).ConfigureAwait(false);
    }

    private async Task<long> ReadWholeStreamAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new ByteArrayContent(_body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        var buffer = new byte[4096];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            total += read;
        }

        return total;
    }
}
