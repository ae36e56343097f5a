using System.Net;
using System.Text;
using System.Text.Json;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IronRuntime.Tests.Budget.RateLimits;

/// <summary>
/// A model without a price is tracked in tokens only, but still counts against the rate limits by the documented rule
/// (docs/budgets.md, "What counts"): body bytes + 64 for the input bound, plus the output limit — the request's, else
/// <c>DefaultMaxOutputTokens</c> (16,384), none for embeddings.
/// </summary>
public sealed class UnpricedModelRateTests
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static Task<RuntimeHarness> StartAsync(long tokensPerMinute)
        => RuntimeHarness.StartAsync(b =>
        {
            b.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 10, 0, 45, TimeSpan.Zero)));
            b.WithRateLimits(o => o.TokensPerMinute = tokensPerMinute);
        });

    [TestCase("""{"model":"my-local-model","messages":[{"role":"user","content":"Hello"}],"max_completion_tokens":500}""", 500)]
    [TestCase("""{"model":"my-local-model","messages":[{"role":"user","content":"Hello"}]}""", 16_384)]
    public async Task UnpricedChat_CountsItsInputBoundPlusItsOutputLimit(string body, long outputLimit)
    {
        await using var h = await StartAsync(tokensPerMinute: 100);
        using var http = h.Runtime.CreateHttpClient("a1");

        using var refused = await http.PostAsync("https://api.openai.com/v1/chat/completions", Json(body));
        string message = await MessageAsync(refused);

        long counted = Encoding.UTF8.GetByteCount(body) + 64 + outputLimit;
        Assert.Multiple(() =>
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(message, Does.Contain($"counts {counted} tokens"));
            Assert.That(h.Fake.ArrivedCount, Is.Zero);
        });
    }

    [Test]
    public async Task UnpricedEmbeddings_CountOnlyTheirInputBound()
    {
        const string body = """{"model":"my-local-embedder","input":["one","two"]}""";
        long counted = Encoding.UTF8.GetByteCount(body) + 64;
        await using var h = await StartAsync(tokensPerMinute: counted);
        using var http = h.Runtime.CreateHttpClient("a1");

        using var admitted = await http.PostAsync("https://api.openai.com/v1/embeddings", Json(body));
        using var refused = await http.PostAsync("https://api.openai.com/v1/embeddings", Json(body));
        string message = await MessageAsync(refused);

        Assert.Multiple(() =>
        {
            Assert.That(admitted.StatusCode, Is.EqualTo(HttpStatusCode.OK), "exactly a minute's tokens: no output limit counted");
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "the first call's usage stays counted in the minute");
            Assert.That(message, Does.Contain($"counts {counted} tokens"));
            Assert.That(h.Fake.ArrivedCount, Is.EqualTo(1));
        });
    }

    private static async Task<string> MessageAsync(HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("error").GetProperty("message").GetString()!;
    }
}
