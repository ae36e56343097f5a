using System.Net;
using System.Text;
using System.Text.Json;
using IronRuntime.Router;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Tests.Admission;

/// <summary>
/// Issue #19: a configurable limit of concurrent calls, global and per agent. Beyond it a new call gets a
/// provider-shaped 503 with Retry-After (<c>iron_runtime_overloaded</c>) while the calls in flight go on.
/// </summary>
public sealed class ConcurrencyLimitTests
{
    private const string ChatBody = """{"model":"gpt-4o-mini","stream":true,"max_tokens":16,"messages":[{"role":"user","content":"hi"}]}""";
    private const string MessagesBody = """{"model":"claude-haiku-4-5","stream":true,"max_tokens":16,"messages":[{"role":"user","content":"hi"}]}""";

    [Test]
    [CancelAfter(120_000)]
    public async Task GlobalLimit_20000StreamsAgainst5000_5000ServedRestRefusedCleanly(CancellationToken cancellationToken)
    {
        var upstream = new HeldStreamUpstream();
        await using var runtime = Build(upstream, b => b.WithConcurrencyLimits(maxCalls: 5_000));
        var clients = Enumerable.Range(0, 100).Select(i => runtime.CreateHttpClient("agent-" + i)).ToArray();

        var attempts = Enumerable.Range(0, 20_000)
            .Select(i => Task.Run(() => SendStreamAsync(clients[i % clients.Length], "v1/chat/completions", ChatBody, cancellationToken), cancellationToken))
            .ToArray();
        var responses = await Task.WhenAll(attempts);
        try
        {
            var served = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToArray();
            var refused = responses.Where(r => r.StatusCode != HttpStatusCode.OK).ToArray();
            Assert.That(served, Has.Length.EqualTo(5_000));
            Assert.That(refused, Has.Length.EqualTo(15_000));
            Assert.That(upstream.Calls, Is.EqualTo(5_000), "refused calls never reach the provider");
            Assert.That(refused.All(r => r.StatusCode == HttpStatusCode.ServiceUnavailable), Is.True);
            Assert.That(refused.All(r => r.Headers.RetryAfter?.Delta == TimeSpan.FromSeconds(1)), Is.True);
            await AssertOpenAIOverloadedAsync(refused[0], cancellationToken);
            await AssertOpenAIOverloadedAsync(refused[^1], cancellationToken);

            // The open streams go on: each delivers its held event once the provider sends it.
            upstream.Release();
            var bodies = await Task.WhenAll(served.Select(r => r.Content.ReadAsStringAsync(cancellationToken)));
            Assert.That(bodies.All(b => b.EndsWith("data: [DONE]\n\n", StringComparison.Ordinal)), Is.True);
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }

        // Every slot was given back when its stream ended: a new call is admitted.
        using var after = await SendStreamAsync(clients[0], "v1/chat/completions", ChatBody, cancellationToken);
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task PerAgentLimit_ThirdCallOfOneAgent_503InAnthropicShape_OtherAgentServed(CancellationToken cancellationToken)
    {
        var upstream = new HeldStreamUpstream();
        await using var runtime = Build(upstream, b => b.WithConcurrencyLimits(maxCalls: null, maxCallsPerAgent: 2));
        using var a = runtime.CreateHttpClient("agent-a");
        using var b = runtime.CreateHttpClient("agent-b");

        using var first = await SendStreamAsync(a, "v1/messages", MessagesBody, cancellationToken);
        using var second = await SendStreamAsync(a, "v1/messages", MessagesBody, cancellationToken);
        using var third = await SendStreamAsync(a, "v1/messages", MessagesBody, cancellationToken);
        using var other = await SendStreamAsync(b, "v1/messages", MessagesBody, cancellationToken);

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(third.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(third.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
        using (var json = JsonDocument.Parse(await third.Content.ReadAsStringAsync(cancellationToken)))
        {
            // Anthropic's error shape: {"type":"error","error":{"type","message"}}
            Assert.That(json.RootElement.GetProperty("type").GetString(), Is.EqualTo("error"));
            Assert.That(json.RootElement.GetProperty("error").GetProperty("type").GetString(), Is.EqualTo("iron_runtime_overloaded"));
            Assert.That(json.RootElement.GetProperty("error").GetProperty("message").GetString(), Does.Contain("2 calls"));
        }

        Assert.That(upstream.Calls, Is.EqualTo(3));

        // When one of agent-a's streams ends, its slot comes back.
        upstream.Release();
        _ = await first.Content.ReadAsStringAsync(cancellationToken);
        first.Dispose();
        _ = await second.Content.ReadAsStringAsync(cancellationToken);
        using var fourth = await SendStreamAsync(a, "v1/messages", MessagesBody, cancellationToken);
        Assert.That(fourth.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task GlobalLimit_StreamCancelledByClient_SlotReturned(CancellationToken cancellationToken)
    {
        var upstream = new HeldStreamUpstream();
        await using var runtime = Build(upstream, b => b.WithConcurrencyLimits(maxCalls: 1));
        using var client = runtime.CreateHttpClient("agent-a");

        using (var abandoned = await SendStreamAsync(client, "v1/chat/completions", ChatBody, cancellationToken))
        {
            Assert.That(abandoned.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            using var refused = await SendStreamAsync(client, "v1/chat/completions", ChatBody, cancellationToken);
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        }

        // Disposed mid-stream, never read to the end: the call completes as cancelled and its slot is free again.
        using var next = await SendStreamAsync(client, "v1/chat/completions", ChatBody, cancellationToken);
        Assert.That(next.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    private static AgentRuntime Build(HeldStreamUpstream upstream, Action<IronRuntimeBuilder> configure)
    {
        var builder = AgentRuntime.CreateBuilder()
            .WithBudget(1_000_000m)
            .UseOpenAI("sk-test-openai", new Uri("https://api.openai.com/"))
            .UseAnthropic("sk-ant-test", new Uri("https://api.anthropic.com/"))
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.Services.AddHttpClient(IronRuntimeBuilder.UpstreamClientName).ConfigurePrimaryHttpMessageHandler(() => upstream);
        configure(builder);
        return builder.Build();
    }

    private static async Task<HttpResponseMessage> SendStreamAsync(HttpClient client, string path, string body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (path.EndsWith("messages", StringComparison.Ordinal))
        {
            request.Headers.Add("anthropic-version", "2023-06-01");
        }

        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    private static async Task AssertOpenAIOverloadedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var error = json.RootElement.GetProperty("error");
        Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("iron_runtime_overloaded"));
        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("overloaded"));
        Assert.That(error.GetProperty("param").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(error.GetProperty("message").GetString(), Does.Contain("5000 calls"));
    }
}
