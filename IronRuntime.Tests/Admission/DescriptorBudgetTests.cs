using System.Net;
using System.Text;
using System.Text.Json;
using IronRuntime.Router;
using IronRuntime.Router.Admission;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Tests.Admission;

/// <summary>
/// Issue #19: in-process and proxied calls share one budget of file descriptors (one per in-process call, two per
/// proxied call); streams leave headroom, so a non-streaming call is still served when streams fill the process.
/// </summary>
public sealed class DescriptorBudgetTests
{
    private const string StreamBody = """{"model":"gpt-4o-mini","stream":true,"max_tokens":16,"messages":[{"role":"user","content":"hi"}]}""";
    private const string PlainBody = """{"model":"gpt-4o-mini","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}""";

    [Test]
    public void TryTake_StreamsStopAtTheHeadroomShortCallsUseIt()
    {
        var budget = new DescriptorBudget(100); // headroom: 1 %, at least 8 → streams may hold 92

        var streams = new List<IDisposable>();
        while (budget.TryTake(2, streaming: true) is { } lease)
        {
            streams.Add(lease);
        }

        var shortCalls = new List<IDisposable>();
        while (budget.TryTake(2, streaming: false) is { } lease)
        {
            shortCalls.Add(lease);
        }

        Assert.Multiple(() =>
        {
            Assert.That(budget.Headroom, Is.EqualTo(8));
            Assert.That(streams, Has.Count.EqualTo(46), "proxied streams: 2 descriptors each, up to 92");
            Assert.That(shortCalls, Has.Count.EqualTo(4), "short calls take the headroom");
            Assert.That(budget.InUse, Is.EqualTo(100));
        });

        streams[0].Dispose();
        streams[0].Dispose(); // once only
        Assert.That(budget.InUse, Is.EqualTo(98));
        Assert.That(budget.TryTake(1, streaming: true), Is.Null, "streams stay out of the headroom");
        Assert.That(budget.TryTake(1, streaming: false), Is.Not.Null);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task InProcessStreams_FillTheBudget_StreamRefusedWith503_NonStreamingCallServed(CancellationToken cancellationToken)
    {
        var upstream = new HeldStreamUpstream();
        var builder = AgentRuntime.CreateBuilder()
            .WithBudget(1_000_000m)
            .UseOpenAI("sk-test-openai", new Uri("https://api.openai.com/"))
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.Services.AddHttpClient(IronRuntimeBuilder.UpstreamClientName).ConfigurePrimaryHttpMessageHandler(() => upstream);
        await using var runtime = builder.Build();
        runtime.Router.Descriptors.Resize(20); // headroom 8: in-process streams (1 descriptor each) may hold 12
        using var client = runtime.CreateHttpClient("agent-a");

        var open = new List<HttpResponseMessage>();
        Task<HttpResponseMessage>? plain = null;
        try
        {
            for (int i = 0; i < 12; i++)
            {
                var response = await SendAsync(client, StreamBody, cancellationToken);
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"stream {i}");
                open.Add(response);
            }

            Assert.That(runtime.Router.Descriptors.InUse, Is.EqualTo(12), "one descriptor per in-process call");
            using (var refused = await SendAsync(client, StreamBody, cancellationToken))
            {
                Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
                Assert.That(refused.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
                using var json = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(cancellationToken));
                Assert.That(json.RootElement.GetProperty("error").GetProperty("type").GetString(), Is.EqualTo("iron_runtime_overloaded"));
            }

            Assert.That(upstream.Calls, Is.EqualTo(12), "the refused stream never reached the provider");

            // A short call uses the headroom: it is admitted and reaches the provider (whose held answer ends below).
            plain = SendAsync(client, PlainBody, cancellationToken);
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (upstream.Calls < 13 && !plain.IsCompleted && waited.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(10, cancellationToken);
            }

            Assert.That(upstream.Calls, Is.EqualTo(13), "the non-streaming call was admitted");
            Assert.That(runtime.Router.Descriptors.InUse, Is.EqualTo(13));
        }
        finally
        {
            upstream.Release();
            foreach (var response in open)
            {
                _ = await response.Content.ReadAsStringAsync(cancellationToken);
                response.Dispose();
            }

            if (plain is not null)
            {
                using var answered = await plain;
                Assert.That(answered.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            }
        }

        Assert.That(runtime.Router.Descriptors.InUse, Is.Zero, "every call gave its descriptors back");
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }
}
