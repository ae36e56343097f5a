using System.Net.Http.Headers;
using System.Text;
using BenchmarkDotNet.Attributes;

namespace IronRuntime.Benchmarks.Proxy;

/// <summary>
/// What the loopback proxy adds: one chat call sent straight to a loopback provider (<see cref="LoopbackUpstream"/>,
/// the baseline) versus the same call sent by an agent to the runtime's proxy, which attributes it by token, runs
/// the whole router chain (routing, budget reservation, metering) and forwards it to the same provider.
/// </summary>
/// <remarks>
/// Each operation sends <see cref="Concurrency"/> calls at once and waits for all of them. Non-streaming: until the
/// whole JSON answer is read. Streaming: until the first event is read (time to first byte); the rest of the stream
/// is then drained in the background by <see cref="HttpClient"/>, on both paths alike.
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
public class ProxyOverheadBenchmark
{
    /// <summary>The non-streaming chat request every proxy benchmark sends.</summary>
    internal static readonly byte[] ChatBody = Encoding.UTF8.GetBytes(
        """{"model":"gpt-4o-mini","max_completion_tokens":200,"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Say hello in five words."}]}""");

    private static readonly byte[] StreamBody = Encoding.UTF8.GetBytes(
        """{"model":"gpt-4o-mini","max_completion_tokens":200,"stream":true,"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Say hello in five words."}]}""");

    private ProxyBench _bench = null!;

    /// <summary>Calls in flight at once.</summary>
    [Params(1, 16)]
    public int Concurrency { get; set; }

    /// <summary>Whether the call streams (measured to the first event) or not (measured to the end of the JSON answer).</summary>
    [Params(false, true)]
    public bool Streaming { get; set; }

    [GlobalSetup]
    public void Setup() => _bench = ProxyBench.Start();

    [GlobalCleanup]
    public void Cleanup() => _bench.Dispose();

    [Benchmark(Baseline = true)]
    public Task<int> Direct() => RunAsync(_bench.Direct);

    [Benchmark]
    public Task<int> ThroughProxy() => RunAsync(_bench.ThroughProxy);

    private async Task<int> RunAsync(HttpClient client)
    {
        if (Concurrency == 1)
        {
            return await CallAsync(client).ConfigureAwait(false);
        }

        var calls = new Task<int>[Concurrency];
        for (int i = 0; i < calls.Length; i++)
        {
            calls[i] = CallAsync(client);
        }

        int total = 0;
        foreach (int bytes in await Task.WhenAll(calls).ConfigureAwait(false))
        {
            total += bytes;
        }

        return total;
    }

    private async Task<int> CallAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new ByteArrayContent(Streaming ? StreamBody : ChatBody) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        if (!Streaming)
        {
            using var response = await client.SendAsync(request).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false)).Length;
        }

        using (var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false))
        {
            var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            var buffer = new byte[4096];
            int first = await stream.ReadAsync(buffer).ConfigureAwait(false);
            if (first == 0 || !response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"The stream failed: {response.StatusCode}.");
            }

            return first;
        }
    }
}
