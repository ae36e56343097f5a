using System.Net;
using System.Text;
using IronRuntime.Resilience;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Tests.Pipeline;

/// <summary>
/// The stages that hold an answer in memory (resilience, metering) hand its content headers on as the provider sent
/// them — not parsed and re-serialised on every copy — and its body byte for byte.
/// </summary>
public sealed class ContentHeaderPassThroughTests
{
    private const string Request = """{"model":"gpt-4o-mini","max_completion_tokens":50,"messages":[{"role":"user","content":"Hello"}]}""";

    // A chat.completion as the API reference shows it (usage: 9 in, 12 out).
    private const string Answer = """{"id":"chatcmpl-123","object":"chat.completion","created":1677652288,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there, how may I assist you today?"},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21}}""";

    [Test]
    [CancelAfter(60_000)]
    public async Task JsonAnswer_ContentHeadersAndBody_ReachTheAgentAsSent([Values] bool resilience, CancellationToken cancellationToken)
    {
        var builder = AgentRuntime.CreateBuilder()
            .WithBudget(100m)
            .UseOpenAI("sk-test-openai", new Uri("https://api.openai.com/"))
            .ConfigureResilience(o => o.Enabled = resilience)
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.Services.AddHttpClient(IronRuntimeBuilder.UpstreamClientName).ConfigurePrimaryHttpMessageHandler(() => new RawHeaderUpstream());
        await using var runtime = builder.Build();
        using var client = runtime.CreateHttpClient("a1");

        using var response = await client.PostAsync("https://api.openai.com/v1/chat/completions", new StringContent(Request, Encoding.UTF8, "application/json"), cancellationToken);
        byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        await Eventually.UntilAsync(() => runtime.GetMetrics("a1").Requests == 1);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body, Is.EqualTo(Encoding.UTF8.GetBytes(Answer)));
            Assert.That(response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var type) ? type.ToString() : null,
                Is.EqualTo("application/json;charset=utf-8"), "as sent, not re-serialised as \"application/json; charset=utf-8\"");
            Assert.That(response.Content.Headers.NonValidated.TryGetValues("Content-Language", out var language) ? language.ToString() : null,
                Is.EqualTo("en,de"));
            Assert.That(response.Content.Headers.ContentLength, Is.EqualTo(Encoding.UTF8.GetByteCount(Answer)));
            Assert.That(runtime.GetMetrics("a1").InputTokens, Is.EqualTo(9));
            Assert.That(runtime.GetMetrics("a1").OutputTokens, Is.EqualTo(12));
        });
    }

    /// <summary>Answers <see cref="Answer"/> with content headers stored as raw text, the way a socket handler stores what it read.</summary>
    private sealed class RawHeaderUpstream : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await request.Content!.CopyToAsync(Stream.Null, cancellationToken);
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Answer));
            content.Headers.TryAddWithoutValidation("Content-Type", "application/json;charset=utf-8");
            content.Headers.TryAddWithoutValidation("Content-Language", "en,de");
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
        }
    }
}
