using System.Text;
using IronRuntime.Tests.Support;

namespace IronRuntime.Tests.Pipeline;

/// <summary>When no policy changes the content, the client receives exactly the provider's bytes.</summary>
public sealed class StreamPassThroughTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [TestCase("/v1/chat/completions", """{"model":"gpt-4o-mini","max_tokens":60,"stream":true,"messages":[{"role":"user","content":"Hello there"}]}""", 0)]
    [TestCase("/v1/chat/completions", """{"model":"gpt-4o-mini","max_tokens":60,"stream":true,"messages":[{"role":"user","content":"Hello there"}]}""", 1)]
    [TestCase("/v1/chat/completions", """{"model":"gpt-4o-mini","max_tokens":60,"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hello there"}]}""", 3)]
    [TestCase("/v1/responses", """{"model":"gpt-4o-mini","max_output_tokens":60,"stream":true,"input":"Hello there"}""", 5)]
    [TestCase("/v1/messages", """{"model":"claude-sonnet-4-5","max_tokens":60,"stream":true,"messages":[{"role":"user","content":"Hello there"}]}""", 2)]
    public async Task Stream_ThroughRuntime_IsByteIdenticalToProvider(string path, string body, int writeChunkSize)
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(1m));
        h.Fake.FixedIds = true;
        h.Fake.IdSeed = "pass-through";
        h.Fake.FixedCreated = Created;
        h.Fake.WriteChunkSize = writeChunkSize;
        byte[] expected = h.Fake.RenderResponse(path, Encoding.UTF8.GetBytes(body));
        using var http = h.Runtime.CreateHttpClient("a1");
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.example.invalid" + path)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("anthropic-version", "2023-06-01");

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var received = new MemoryStream();
        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[3]; // tiny reads: events are handed out across many reads
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            received.Write(buffer, 0, n);
        }

        Assert.That(Encoding.UTF8.GetString(received.ToArray()), Is.EqualTo(Encoding.UTF8.GetString(expected)));
        Assert.That(received.ToArray(), Is.EqualTo(expected));
        Assert.That(h.Runtime.GetMetrics("a1").OutputTokens, Is.GreaterThan(0), "usage was metered from the stream");
    }
}
