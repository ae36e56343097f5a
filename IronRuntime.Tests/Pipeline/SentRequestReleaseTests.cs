using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
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
        var builder = AgentRuntime.CreateBuilder()
            .WithBudget(100m)
            .UseOpenAI("sk-test-openai", new Uri("https://api.openai.com/"))
            .ConfigureResilience(o => o.Enabled = resilience)
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.Services.AddHttpClient(IronRuntimeBuilder.UpstreamClientName).ConfigurePrimaryHttpMessageHandler(() => upstream);
        await using var runtime = builder.Build();
        using var client = runtime.CreateHttpClient("a1");
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.openai.com/v1/chat/completions")
        {
            Content = new StringContent(Request, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-trace", "t-1");

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

    /// <summary>Records what a request carried when sent, and answers with an event stream that stays open until <see cref="FinishAsync"/>.</summary>
    private sealed class OpenStreamUpstream : HttpMessageHandler
    {
        private readonly Pipe _body = new();

        public HttpRequestMessage? Sent { get; private set; }

        public string SentHeaders { get; private set; } = string.Empty;

        public string SentBody { get; private set; } = string.Empty;

        public async Task FinishAsync(string events)
        {
            await _body.Writer.WriteAsync(Encoding.UTF8.GetBytes(events));
            await _body.Writer.CompleteAsync();
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Sent = request;
            SentHeaders = string.Join("\n", request.Headers.NonValidated.Select(h => h.Key + ": " + h.Value));
            SentBody = await request.Content!.ReadAsStringAsync(cancellationToken);
            var content = new StreamContent(_body.Reader.AsStream());
            content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
        }
    }
}
