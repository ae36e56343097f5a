using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using IronRuntime.Agents;
using IronRuntime.Router;
using IronRuntime.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Tests.Dashboard;

/// <summary>The dashboard API in a real ASP.NET Core host on loopback: REST and the WebSocket event stream.</summary>
public sealed class DashboardEndpointsTests
{
    private FakeProvider _fake = null!;
    private WebApplication _app = null!;
    private HttpClient _http = null!;
    private Uri _base = null!;

    [SetUp]
    public async Task SetUp()
    {
        _fake = await FakeProvider.StartAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddIronRuntime(b => b
            .WithBudget(1m)
            .WithPii(p => p.ResponseMode = IronRuntime.Pii.PiiMode.Redact)
            .UseOpenAI(FakeProvider.OpenAIKey, _fake.BaseUri)
            .UseAnthropic(FakeProvider.AnthropicKey, _fake.BaseUri));
        _app = builder.Build();
        _app.UseWebSockets();
        _app.MapIronRuntimeDashboard();
        await _app.StartAsync();
        _base = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        _http = new HttpClient { BaseAddress = _base };
    }

    [TearDown]
    public async Task TearDown()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _fake.DisposeAsync();
    }

    private AgentRuntime Runtime => _app.Services.GetRequiredService<AgentRuntime>();

    [Test]
    public async Task Agents_ListsAgentsWithMetrics_AndStopStopsOne()
    {
        _fake.Usage = new TokenUsage(10, 5);
        var done = await Runtime.StartAgentAsync(async ctx =>
        {
            using var r = await ctx.HttpClient.PostAsync("/v1/chat/completions", new StringContent(
                """{"model":"gpt-4o-mini","max_tokens":10,"messages":[]}""", Encoding.UTF8, "application/json"));
        }, new AgentOptions { AgentId = "done" });
        await done.WaitForExitAsync();
        await Runtime.StartAgentAsync(ctx => Task.Delay(Timeout.Infinite, ctx.StoppingToken), new AgentOptions { AgentId = "busy" });

        using var list = JsonDocument.Parse(await _http.GetStringAsync("/ironruntime/agents"));
        var agents = list.RootElement.EnumerateArray().ToDictionary(a => a.GetProperty("agentId").GetString()!);
        using var stopRequest = new HttpRequestMessage(HttpMethod.Post, "/ironruntime/agents/busy/stop") { Headers = { { "X-IronRuntime-Request", "1" } } };
        using var stop = await _http.SendAsync(stopRequest);
        using var missing = await _http.GetAsync("/ironruntime/agents/nobody");
        using var metrics = JsonDocument.Parse(await _http.GetStringAsync("/ironruntime/metrics"));

        Assert.Multiple(() =>
        {
            Assert.That(agents.Keys, Is.EquivalentTo(new[] { "done", "busy" }));
            Assert.That(agents["done"].GetProperty("status").GetString(), Is.EqualTo("Exited"));
            Assert.That(agents["done"].GetProperty("metrics").GetProperty("inputTokens").GetInt64(), Is.EqualTo(10));
            Assert.That(agents["done"].GetProperty("metrics").GetProperty("budgetSpent").GetDecimal(), Is.GreaterThan(0m));
            Assert.That(stop.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(Runtime.GetAgent("busy")!.Status, Is.EqualTo(AgentStatus.Stopped));
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(metrics.RootElement.GetProperty("budget").GetProperty("limit").GetDecimal(), Is.EqualTo(1m));
        });
    }

    [Test]
    public async Task Events_WebSocketReceivesCallAndAgentEventsWithoutContent()
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(_base.ToString().Replace("http", "ws", StringComparison.Ordinal) + "ironruntime/events"), CancellationToken.None);
        // The server subscribes before it completes the upgrade, so this call's event is not missed.
        using (var c = Runtime.CreateHttpClient("watched"))
        using (var r = await c.PostAsync("/v1/chat/completions", new StringContent(
            """{"model":"gpt-4o-mini","max_tokens":10,"messages":[{"role":"user","content":"top secret prompt"}]}""", Encoding.UTF8, "application/json")))
        {
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var received = new List<JsonDocument>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[16 * 1024];
        while (!received.Any(d => d.RootElement.GetProperty("type").GetString() == "call.completed"))
        {
            var result = await socket.ReceiveAsync(buffer, cts.Token);
            string text = Encoding.UTF8.GetString(buffer, 0, result.Count);
            Assert.That(text, Does.Not.Contain("top secret"));
            received.Add(JsonDocument.Parse(text));
        }

        var call = received.First(d => d.RootElement.GetProperty("type").GetString() == "call.completed").RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(call.GetProperty("agentId").GetString(), Is.EqualTo("watched"));
            Assert.That(call.GetProperty("model").GetString(), Is.EqualTo("gpt-4o-mini"));
            Assert.That(call.GetProperty("outcome").GetString(), Is.EqualTo("Succeeded"));
            Assert.That(call.GetProperty("cost").GetDecimal(), Is.GreaterThan(0m));
        });

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        foreach (var d in received)
        {
            d.Dispose();
        }
    }

    [Test]
    public async Task Audit_ListsRecentPiiDetectionsWithoutValues()
    {
        _fake.ReplyText = "Call me at jane.roe@example.com please.";
        using (var c = Runtime.CreateHttpClient("talker"))
        using (var r = await c.PostAsync("/v1/chat/completions", new StringContent(
            """{"model":"gpt-4o-mini","max_tokens":20,"messages":[]}""", Encoding.UTF8, "application/json")))
        {
            Assert.That(await r.Content.ReadAsStringAsync(), Does.Contain("[EMAIL]"));
        }

        string json = await _http.GetStringAsync("/ironruntime/audit?agentId=talker");
        using var audit = JsonDocument.Parse(json);
        var events = audit.RootElement.EnumerateArray().ToList();

        Assert.Multiple(() =>
        {
            Assert.That(events, Has.Count.EqualTo(1));
            Assert.That(events[0].GetProperty("entityType").GetString(), Is.EqualTo("EMAIL"));
            Assert.That(events[0].GetProperty("agentId").GetString(), Is.EqualTo("talker"));
            Assert.That(json, Does.Not.Contain("jane"));
        });
    }

    [Test]
    public async Task Providers_ListsTheBuiltInEndpointsWithTheirCircuitState()
    {
        using var providers = JsonDocument.Parse(await _http.GetStringAsync("/ironruntime/providers"));
        var byEndpoint = providers.RootElement.EnumerateArray().ToDictionary(p => p.GetProperty("endpoint").GetString()!);

        Assert.Multiple(() =>
        {
            Assert.That(byEndpoint.Keys, Is.EquivalentTo(new[] { "openai", "anthropic" }));
            Assert.That(byEndpoint["openai"].GetProperty("provider").GetString(), Is.EqualTo("OpenAI"));
            Assert.That(byEndpoint["anthropic"].GetProperty("provider").GetString(), Is.EqualTo("Anthropic"));
            Assert.That(byEndpoint.Values.Select(p => p.GetProperty("state").GetString()), Is.All.EqualTo("Closed"));
        });
    }

    [Test]
    public async Task Events_WebSocketReceivesAgentStatusAndBudgetAlerts()
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(_base.ToString().Replace("http", "ws", StringComparison.Ordinal) + "ironruntime/events"), CancellationToken.None);
        _fake.Usage = new TokenUsage(4_000_000, 0); // $0.60 of the $1 budget at gpt-4o-mini's 1.5e-07: crosses 50 %
        var agent = await Runtime.StartAgentAsync(async ctx =>
        {
            using var r = await ctx.HttpClient.PostAsync("/v1/chat/completions", new StringContent(
                """{"model":"gpt-4o-mini","max_tokens":10,"messages":[]}""", Encoding.UTF8, "application/json"));
        }, new AgentOptions { AgentId = "spender" });
        await agent.WaitForExitAsync();

        var received = new List<JsonElement>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[16 * 1024];
        while (!(received.Any(e => e.GetProperty("type").GetString() == "budget.alert")
                 && received.Any(e => e.GetProperty("type").GetString() == "agent.status" && e.GetProperty("status").GetString() == "Exited")))
        {
            var result = await socket.ReceiveAsync(buffer, cts.Token);
            using var doc = JsonDocument.Parse(buffer.AsMemory(0, result.Count));
            received.Add(doc.RootElement.Clone());
        }

        var statuses = received.Where(e => e.GetProperty("type").GetString() == "agent.status" && e.GetProperty("agentId").GetString() == "spender")
            .Select(e => e.GetProperty("status").GetString()).ToList();
        var alert = received.First(e => e.GetProperty("type").GetString() == "budget.alert");
        Assert.Multiple(() =>
        {
            Assert.That(statuses, Does.Contain("Running").And.Contain("Exited"));
            Assert.That(alert.GetProperty("agentId").ValueKind, Is.EqualTo(JsonValueKind.Null), "the global budget");
            Assert.That(alert.GetProperty("threshold").GetDecimal(), Is.EqualTo(0.5m));
            Assert.That(alert.GetProperty("spent").GetDecimal(), Is.EqualTo(0.6m));
            Assert.That(alert.GetProperty("limit").GetDecimal(), Is.EqualTo(1m));
        });
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    [Test]
    public async Task Events_PlainHttp_Is400()
    {
        using var response = await _http.GetAsync("/ironruntime/events");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }
}
