using System.Net;
using System.Text;
using IronRuntime.Resilience;
using IronRuntime.Router.Pipeline;
using IronRuntime.Tests.Streaming;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Tests.Pipeline;

/// <summary>
/// The message the router sent for a streamed answer is kept by the transport while the answer is open; what nothing
/// needs of it any more — its headers, its content — is let go once the answer's headers arrived (issue #19), and
/// what was sent is unchanged.
/// </summary>
public sealed class SentRequestReleaseTests
{
    private const string Request = """{"model":"gpt-4o-mini","max_tokens":50,"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hello"}]}""";

    [Test]
    [CancelAfter(60_000)]
    public async Task StreamedAnswer_WhileOpen_TheSentMessageHoldsNoHeadersOrContentAndWhatWasSentIsUnchanged([Values] bool resilience, CancellationToken cancellationToken)
    {
        var upstream = new OpenStreamUpstream();
        await using var runtime = Build(upstream, b => b.UseOpenAI("sk-test-openai", new Uri("https://api.openai.com/")).ConfigureResilience(o => o.Enabled = resilience));
        using var client = runtime.CreateHttpClient("a1");
        using var request = Post("https://api.openai.com/v1/chat/completions", Request, "x-trace", "t-1");

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        HttpRequestMessage sent = upstream.Sent!;
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(upstream.SentHeaders, Does.Contain("Authorization: Bearer sk-test-openai").And.Contain("x-trace: t-1"), "sent with its headers");
            Assert.That(upstream.SentBody, Does.Contain("\"model\":\"gpt-4o-mini\""), "and its body");
            Assert.That(sent.Headers, Is.Empty, "the open answer's message keeps no header");
            Assert.That(sent.Content, Is.Null, "nor the content");
            Assert.That(((RoutedRequestMessage)sent).Call!.Request, Is.Null, "and the call keeps no parsed request");
            Assert.That(request.Headers.Contains("x-trace"), Is.True, "the caller's own request is untouched");
            Assert.That(request.Content, Is.Not.Null);
        });

        await upstream.FinishAsync(SseSamples.OpenAiChat(includeUsage: true));
        string answer = await response.Content.ReadAsStringAsync(cancellationToken);
        await Eventually.UntilAsync(() => runtime.GetMetrics("a1").Requests == 1);

        Assert.Multiple(() =>
        {
            Assert.That(answer, Is.EqualTo(SseSamples.OpenAiChat(includeUsage: true)), "the answer passes as sent");
            Assert.That(runtime.GetMetrics("a1").OutputTokens, Is.EqualTo(SseSamples.ChatUsage.OutputTokens), "and is metered");
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task AnthropicStream_OnceMessageStartReportedTheInput_TheCallHoldsNoBody_AndACutStreamIsChargedThatInput(CancellationToken cancellationToken)
    {
        const string Ask = """{"model":"claude-sonnet-4-5","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"Hello"}]}""";
        string events = SseSamples.Anthropic();
        int firstDelta = events.IndexOf("event: content_block_delta", StringComparison.Ordinal);
        var upstream = new OpenStreamUpstream();
        await using var runtime = Build(upstream, b => b.UseAnthropic("sk-ant-test", new Uri("https://api.anthropic.com/")));
        using var client = runtime.CreateHttpClient("a1");
        using var request = Post("https://api.anthropic.com/v1/messages", Ask, "anthropic-version", "2023-06-01");

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var call = ((RoutedRequestMessage)upstream.Sent!).Call!;
        bool heldBeforeMessageStart = !call.Body.IsEmpty;
        await upstream.WriteAsync(events[..firstDelta]); // message_start (input 12 + cache write 150 + cache read 2,048), block start, ping
        var reading = response.Content.ReadAsStringAsync(cancellationToken);
        await Eventually.UntilAsync(() => call.Body.IsEmpty);
        await upstream.BreakAsync(); // cut before message_delta: the output's usage never arrives
        Assert.CatchAsync(async () => await reading);
        await Eventually.UntilAsync(() => runtime.GetMetrics("a1").Requests == 1);

        Assert.Multiple(() =>
        {
            Assert.That(heldBeforeMessageStart, Is.True, "the body is held until the provider reports the prompt");
            Assert.That(upstream.SentBody, Does.Contain("\"model\":\"claude-sonnet-4-5\""), "and was sent whole");
            Assert.That(runtime.GetMetrics("a1").InputTokens, Is.EqualTo(SseSamples.AnthropicUsage.InputTokens), "the cut call is charged the reported prompt");
            Assert.That(runtime.GetBudget().Spent, Is.GreaterThan(0m));
        });
    }

    /// <summary>A runtime with a budget whose upstream client sends to <paramref name="upstream"/>.</summary>
    private static AgentRuntime Build(OpenStreamUpstream upstream, Func<IronRuntimeBuilder, IronRuntimeBuilder> provider)
    {
        var builder = provider(AgentRuntime.CreateBuilder().WithBudget(100m)).ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.Services.AddHttpClient(IronRuntimeBuilder.UpstreamClientName).ConfigurePrimaryHttpMessageHandler(() => upstream);
        return builder.Build();
    }

    private static HttpRequestMessage Post(string url, string json, string header, string value)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add(header, value);
        return request;
    }
}
