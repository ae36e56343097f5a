using System.Net;
using System.Net.WebSockets;
using IronRuntime.Agents;
using IronRuntime.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Tests.Dashboard;

/// <summary>
/// The dashboard is safe by default, in a real Kestrel host: local requests only, WebSocket origins checked, stop
/// refused to anything a cross-site page could send.
/// </summary>
public sealed partial class DashboardSecurityTests
{
    private const string Remote = "203.0.113.7";
    private FakeProvider _fake = null!;
    private WebApplication? _app;
    private HttpClient? _http;
    private Uri _base = null!;

    [SetUp]
    public async Task SetUp() => _fake = await FakeProvider.StartAsync();

    [TearDown]
    public async Task TearDown()
    {
        _http?.Dispose();
        _http = null;
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }

        await _fake.DisposeAsync();
    }

    private AgentRuntime Runtime => _app!.Services.GetRequiredService<AgentRuntime>();

    /// <summary>
    /// A host behind a reverse proxy on loopback (the forwarded-headers middleware trusts it), so a request carrying
    /// <c>X-Forwarded-For</c> comes from that remote address as far as the application can tell.
    /// </summary>
    private async Task StartAsync(Action<WebApplication>? map = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedFor);
        builder.Services.AddIronRuntime(b => b.UseOpenAI(FakeProvider.OpenAIKey, _fake.BaseUri));
        services?.Invoke(builder.Services);
        _app = builder.Build();
        _app.UseForwardedHeaders();
        _app.UseWebSockets();
        if (map is null)
        {
            _app.MapIronRuntimeDashboard();
        }
        else
        {
            map(_app);
        }

        await _app.StartAsync();
        _base = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        _http = new HttpClient { BaseAddress = _base };
    }

    private Task<AgentHandle> StartBusyAgentAsync(string id = "busy")
        => Runtime.StartAgentAsync(ctx => Task.Delay(Timeout.Infinite, ctx.StoppingToken), new AgentOptions { AgentId = id });

    private static HttpRequestMessage Request(HttpMethod method, string path, string? remote = null, string? origin = null, bool header = false)
    {
        var request = new HttpRequestMessage(method, path);
        if (remote is not null)
        {
            request.Headers.Add("X-Forwarded-For", remote);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (header)
        {
            request.Headers.Add("X-IronRuntime-Request", "1");
        }

        return request;
    }

    private async Task<HttpStatusCode> SendAsync(HttpMethod method, string path, string? remote = null, string? origin = null, bool header = false)
    {
        using var request = Request(method, path, remote, origin, header);
        using var response = await _http!.SendAsync(request);
        return response.StatusCode;
    }

    private Uri EventsUri => new(_base.ToString().Replace("http", "ws", StringComparison.Ordinal) + "ironruntime/events");

    private async Task<WebSocketState> ConnectEventsAsync(string? origin = null, string? remote = null)
    {
        using var socket = new ClientWebSocket();
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        if (remote is not null)
        {
            socket.Options.SetRequestHeader("X-Forwarded-For", remote);
        }

        try
        {
            await socket.ConnectAsync(EventsUri, CancellationToken.None);
        }
        catch (WebSocketException)
        {
            return WebSocketState.Closed;
        }

        var state = socket.State;
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        return state;
    }

    [Test]
    public async Task NoAuthorizationConfigured_RemoteRequests_AreRefusedEverywhere()
    {
        await StartAsync();
        var agent = await StartBusyAgentAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(await SendAsync(HttpMethod.Get, "/ironruntime/agents", Remote), Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(await SendAsync(HttpMethod.Get, "/ironruntime/metrics", Remote), Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(await SendAsync(HttpMethod.Get, "/ironruntime/audit", Remote), Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(await SendAsync(HttpMethod.Get, "/ironruntime/calls", Remote), Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(await SendAsync(HttpMethod.Get, "/ironruntime/spend", Remote), Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(await SendAsync(HttpMethod.Post, "/ironruntime/agents/busy/stop", Remote, header: true), Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(await ConnectEventsAsync(remote: Remote), Is.EqualTo(WebSocketState.Closed), "the event stream refuses remote clients");
            Assert.That(agent.Status, Is.EqualTo(AgentStatus.Running));
        });
    }

    [Test]
    public async Task NoAuthorizationConfigured_LocalRequests_AreServed()
    {
        await StartAsync();
        await StartBusyAgentAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(await SendAsync(HttpMethod.Get, "/ironruntime/agents"), Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await SendAsync(HttpMethod.Get, "/ironruntime/agents", "127.0.0.1"), Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await SendAsync(HttpMethod.Get, "/ironruntime/agents", "::1"), Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await ConnectEventsAsync(), Is.EqualTo(WebSocketState.Open), "no Origin: not a browser");
        });
    }

    [Test]
    public async Task Events_OriginOfAnotherSite_IsRefused_SameOriginIsAccepted()
    {
        await StartAsync();
        string self = _base.GetLeftPart(UriPartial.Authority);

        Assert.Multiple(async () =>
        {
            Assert.That(await ConnectEventsAsync("https://evil.example"), Is.EqualTo(WebSocketState.Closed));
            Assert.That(await ConnectEventsAsync("null"), Is.EqualTo(WebSocketState.Closed), "sandboxed frames and file:// pages send Origin: null");
            Assert.That(await ConnectEventsAsync(self.Replace("127.0.0.1", "localhost", StringComparison.Ordinal)), Is.EqualTo(WebSocketState.Closed), "another host name is another origin");
            Assert.That(await ConnectEventsAsync(self), Is.EqualTo(WebSocketState.Open));
        });
    }

    [Test]
    public async Task Stop_WithoutTheRequestHeader_IsRefused_AndTheAgentKeepsRunning()
    {
        await StartAsync();
        var agent = await StartBusyAgentAsync();

        using var request = Request(HttpMethod.Post, "/ironruntime/agents/busy/stop");
        using var response = await _http!.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(body, Does.Contain("X-IronRuntime-Request"));
            Assert.That(agent.Status, Is.EqualTo(AgentStatus.Running));
        });
    }

    [Test]
    public async Task Stop_FromAnotherSiteEvenWithTheHeader_IsRefused()
    {
        await StartAsync();
        var agent = await StartBusyAgentAsync();

        // A permissive CORS policy elsewhere in the app could let a page set the header; its Origin still gives it away.
        var status = await SendAsync(HttpMethod.Post, "/ironruntime/agents/busy/stop", origin: "https://evil.example", header: true);

        Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(agent.Status, Is.EqualTo(AgentStatus.Running));
    }

    [Test]
    public async Task Stop_WithTheHeaderFromTheSameOrigin_StopsTheAgent()
    {
        await StartAsync();
        var agent = await StartBusyAgentAsync();

        var status = await SendAsync(HttpMethod.Post, "/ironruntime/agents/busy/stop", origin: _base.GetLeftPart(UriPartial.Authority), header: true);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(agent.Status, Is.EqualTo(AgentStatus.Stopped));
    }
}
