using System.Net;
using System.Text;
using System.Text.Json;
using IronRuntime.Resilience;
using IronRuntime.Tests.Support;

namespace IronRuntime.Tests.Pipeline;

/// <summary><c>Router:MaxResponseBodyBytes</c>: a larger non-streaming answer fails with a provider-shaped 502, nothing charged.</summary>
public sealed class ResponseSizeLimitTests
{
    private const string ChatUrl = "https://api.openai.com/v1/chat/completions";
    private const string Body = """{"model":"gpt-4o-mini","max_completion_tokens":500,"messages":[{"role":"user","content":"Hello there"}]}""";

    /// <param name="resilience">With the resilience stage (it buffers the body) or without (the metering reads it).</param>
    /// <param name="writeChunkSize">0: the answer has a Content-Length; otherwise it is chunked, with no length known in advance.</param>
    [TestCase(true, 0)]
    [TestCase(true, 64)]
    [TestCase(false, 0)]
    [TestCase(false, 64)]
    public async Task Answer_LargerThanLimit_502ProviderShaped_NothingCharged(bool resilience, int writeChunkSize)
    {
        await using var h = await RuntimeHarness.StartAsync(b => b
            .WithBudget(1m)
            .Configure(c => c.Router.MaxResponseBodyBytes = 1024)
            .ConfigureResilience(o => { o.Enabled = resilience; o.MaxRetryAttempts = 0; }));
        h.Fake.ReplyText = string.Join(' ', Enumerable.Repeat("word", 400)); // ~2 KB of content alone
        h.Fake.WriteChunkSize = writeChunkSize;
        using var http = h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(ChatUrl, new StringContent(Body, Encoding.UTF8, "application/json"));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadGateway));
            Assert.That(doc.RootElement.GetProperty("error").GetProperty("message").GetString(), Is.Not.Empty);
            Assert.That(doc.RootElement.GetProperty("error").GetProperty("type").GetString(), Does.StartWith("iron_runtime_"));
            Assert.That(h.Fake.ArrivedCount, Is.EqualTo(1), "not retried: the provider did answer");
            Assert.That(h.Runtime.GetBudget().Reserved, Is.Zero);
            Assert.That(h.Runtime.GetMetrics("a1").Errors, Is.EqualTo(1));
        });
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Answer_WithinLimit_PassesThrough(bool resilience)
    {
        await using var h = await RuntimeHarness.StartAsync(b => b
            .WithBudget(1m)
            .Configure(c => c.Router.MaxResponseBodyBytes = 4096)
            .ConfigureResilience(o => o.Enabled = resilience));
        h.Fake.ReplyText = string.Join(' ', Enumerable.Repeat("word", 200));
        using var http = h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(ChatUrl, new StringContent(Body, Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(h.Runtime.GetMetrics("a1").OutputTokens, Is.EqualTo(200));
    }
}
