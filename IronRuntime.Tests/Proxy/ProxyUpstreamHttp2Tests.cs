using System.Net;
using System.Text;
using IronRuntime.Router;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Support;

namespace IronRuntime.Tests.Proxy;

/// <summary>
/// HTTP/2 to the provider (issue #19): proxied streams multiplexed over one connection instead of one connection (and
/// one descriptor, and its buffers) each, with the same bytes and the same metering.
/// </summary>
public sealed class ProxyUpstreamHttp2Tests
{
    private const string StreamBody = """{"model":"gpt-4o-mini","max_tokens":200,"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hello there"}]}""";

    [Test]
    public async Task Http2_StreamThroughProxyToAnH2cOnlyProvider_SameBytes_UsageMetered()
    {
        await using var fake = await FakeProvider.StartAsync(http2Only: true);
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(10m).Configure(c => c.Router.OpenAI.HttpVersion = LlmUpstreamHttpVersion.Http2), fake);
        await h.Runtime.Proxy.StartAsync();
        fake.FixedIds = true;
        fake.FixedCreated = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
        fake.WriteChunkSize = 7;
        fake.Usage = new TokenUsage(21, 13);
        byte[] expected = fake.RenderResponse("/v1/chat/completions", Encoding.UTF8.GetBytes(StreamBody));
        using var http = ProxyClient.Create(h.Runtime.Proxy);

        using var response = await http.SendAsync(ProxyClient.Post("/v1/chat/completions", StreamBody, h.Runtime.Proxy.IssueToken("h2")));
        byte[] received = await response.Content.ReadAsByteArrayAsync();

        var metrics = h.Runtime.GetMetrics("h2");
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(fake.LastRequest.Protocol, Is.EqualTo("HTTP/2"));
            Assert.That(received, Is.EqualTo(expected));
            Assert.That((metrics.SucceededRequests, metrics.InputTokens, metrics.OutputTokens), Is.EqualTo((1L, 21L, 13L)));
        });
    }

    [TestCase(LlmUpstreamHttpVersion.Http2, 1)]
    [TestCase(LlmUpstreamHttpVersion.Auto, Streams)] // plain http: HTTP/1.1, one connection per open stream
    public async Task OpenStreams_Http2ShareOneConnection_Http11TakeOneEach(LlmUpstreamHttpVersion version, int connections)
    {
        await using var fake = await FakeProvider.StartAsync(http2Only: version == LlmUpstreamHttpVersion.Http2);
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(10m).Configure(c => c.Router.OpenAI.HttpVersion = version), fake);
        await h.Runtime.Proxy.StartAsync();
        fake.EventDelay = TimeSpan.FromMilliseconds(50);
        fake.ReplyText = "one two three four";
        using var http = ProxyClient.Create(h.Runtime.Proxy);
        string token = h.Runtime.Proxy.IssueToken("many");
        fake.HoldResponses(); // every stream is open at the provider at once
        var calls = Enumerable.Range(0, Streams)
            .Select(_ => http.SendAsync(ProxyClient.Post("/v1/chat/completions", StreamBody, token)))
            .ToArray();
        await fake.WaitForArrivalsAsync(Streams).WaitAsync(TimeSpan.FromSeconds(30));
        fake.ReleaseHeld();

        var responses = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(30));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        foreach (var response in responses)
        {
            response.Dispose();
        }

        var metrics = h.Runtime.GetMetrics("many");
        Assert.Multiple(() =>
        {
            Assert.That(bodies, Has.All.EndWith("data: [DONE]\n\n"));
            Assert.That(fake.Requests.Select(r => r.ConnectionId).Distinct().Count(), Is.EqualTo(connections));
            Assert.That((metrics.SucceededRequests, metrics.OutputTokens), Is.EqualTo(((long)Streams, 4L * Streams)));
        });
    }

    private const int Streams = 12;
}
