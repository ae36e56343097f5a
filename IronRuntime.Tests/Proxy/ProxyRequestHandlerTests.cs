using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using IronRuntime.Router;
using IronRuntime.Router.Admission;
using IronRuntime.Router.Proxy;
using IronRuntime.Tests.Fakes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace IronRuntime.Tests.Proxy;

/// <summary>
/// One proxied call, driven straight into the proxy's handler with an <see cref="DefaultHttpContext"/> (no socket):
/// which tokens are the agent's, the provider-shaped refusals (401, 502, 503) and their logs, when the agent's
/// connection is closed, and what a proxied call holds. The router behind is a real one (<c>AddLlmRouter</c>) over the
/// loopback fake provider.
/// </summary>
public sealed class ProxyRequestHandlerTests
{
    private const string ChatPath = "/v1/chat/completions";

    private FakeProvider _fake = null!;
    private ServiceProvider _services = null!;
    private LlmRouter _router = null!;
    private CallLog _calls = null!;
    private AgentTokenRegistry _tokens = null!;
    private FakeLogger _log = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _fake = await FakeProvider.StartAsync();
        _calls = new CallLog();
        _services = Router(o =>
        {
            o.OpenAI.BaseUrl = _fake.OpenAIEndpoint;
            o.Anthropic.BaseUrl = new Uri(_fake.AnthropicBaseUrl);
        }, s => s.AddSingleton<ILlmCallObserver>(_calls));
        _router = _services.GetRequiredService<LlmRouter>();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _router.Dispose(); // the container's; disposing it twice is allowed
        await _services.DisposeAsync();
        await _fake.DisposeAsync();
    }

    [SetUp]
    public void SetUp()
    {
        _fake.Reset();
        _calls.Clear();
        _tokens = new AgentTokenRegistry();
        _log = new FakeLogger();
    }

    [Test]
    public async Task BearerToken_CallReachesProviderWithTheRealKey_AttributedToTheAgent_SlotGivenBack()
    {
        string token = _tokens.Issue("a1");
        var admission = Admission();
        var call = Call("POST", ChatPath, ProxyClient.ChatBody, ("Authorization", "Bearer " + token));

        await Handler(admission).HandleAsync(call.Context);

        using var doc = call.Json();
        Assert.Multiple(() =>
        {
            Assert.That(call.Context.Response.StatusCode, Is.EqualTo(200), call.Text);
            Assert.That(doc.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(_fake.LastRequest.Header("Authorization"), Is.EqualTo("Bearer " + FakeProvider.OpenAIKey));
            Assert.That(_fake.LastRequest.Headers.Values, Has.None.Contains(token));
            Assert.That(_calls.CallerIds, Is.EqualTo(new[] { "a1" }));
            Assert.That(admission.InFlight, Is.Zero, "the call's slot is given back");
            Assert.That(call.Aborted, Is.False);
        });
    }

    [TestCase("bearer ")]
    [TestCase("BEARER ")]
    [TestCase("  Bearer   ")]
    public async Task BearerSchemeInAnyCaseAndSpacing_IsAccepted(string scheme)
    {
        // RFC 9110 §11.1: the authentication scheme is case-insensitive.
        string token = _tokens.Issue("a1");
        var call = Call("POST", ChatPath, ProxyClient.ChatBody, ("Authorization", scheme + token + " "));

        await Handler().HandleAsync(call.Context);

        Assert.That(call.Context.Response.StatusCode, Is.EqualTo(200), call.Text);
    }

    [TestCase("Digest ")]
    [TestCase("Basic  ")]
    [TestCase("Token: ")]
    [TestCase("")]
    public async Task TokenUnderAnotherSchemeOrNone_Is401(string scheme)
    {
        string token = _tokens.Issue("a1");
        var call = Call("POST", ChatPath, ProxyClient.ChatBody, ("Authorization", scheme + token));

        await Handler().HandleAsync(call.Context);

        Assert.Multiple(() =>
        {
            Assert.That(call.Context.Response.StatusCode, Is.EqualTo(401), call.Text);
            Assert.That(_fake.ArrivedCount, Is.Zero);
        });
    }

    [Test]
    public async Task XApiKeyToken_IsTheAgents()
    {
        string token = _tokens.Issue("claude-agent");
        var call = Call("POST", "/v1/messages", ProxyClient.MessagesBody, ("x-api-key", token), ("anthropic-version", "2023-06-01"));

        await Handler().HandleAsync(call.Context);

        Assert.Multiple(() =>
        {
            Assert.That(call.Context.Response.StatusCode, Is.EqualTo(200), call.Text);
            Assert.That(_fake.LastRequest.Header("x-api-key"), Is.EqualTo(FakeProvider.AnthropicKey));
            Assert.That(_calls.CallerIds, Is.EqualTo(new[] { "claude-agent" }));
        });
    }

    [Test]
    public async Task UnknownXApiKey_WithoutAnyOtherToken_Is401AndNeverReachesProvider()
    {
        _tokens.Issue("a1");
        var call = Call("POST", "/v1/messages", ProxyClient.MessagesBody, ("x-api-key", "sk-iron-not-a-token"), ("anthropic-version", "2023-06-01"));

        await Handler().HandleAsync(call.Context);

        Assert.Multiple(() =>
        {
            Assert.That(call.Context.Response.StatusCode, Is.EqualTo(401), call.Text);
            Assert.That(_fake.ArrivedCount, Is.Zero);
            Assert.That(_calls.CallerIds, Is.Empty);
        });
    }

    [Test]
    public async Task UnknownXApiKey_ButTheAgentsBearerToken_IsTheAgents()
    {
        // Anthropic SDK 13+ may send its key as Bearer; a stale x-api-key beside it does not lock the agent out.
        string token = _tokens.Issue("a1");
        var call = Call("POST", ChatPath, ProxyClient.ChatBody, ("x-api-key", "sk-iron-stale"), ("Authorization", "Bearer " + token));

        await Handler().HandleAsync(call.Context);

        Assert.That(call.Context.Response.StatusCode, Is.EqualTo(200), call.Text);
    }

    [Test]
    public async Task NoToken_OnAnOpenAIRoute_Is401InOpenAIShape_Logged()
    {
        var call = Call("POST", ChatPath, ProxyClient.ChatBody);

        await Handler().HandleAsync(call.Context);

        using var doc = call.Json();
        var error = doc.RootElement.GetProperty("error");
        Assert.Multiple(() =>
        {
            Assert.That(call.Context.Response.StatusCode, Is.EqualTo(401));
            Assert.That(doc.RootElement.TryGetProperty("type", out _), Is.False, "OpenAI's shape has no top-level type");
            Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("invalid_request_error"));
            Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("invalid_api_key"));
            Assert.That(error.GetProperty("message").GetString(), Does.Contain("missing or unknown agent token"));
            Assert.That(call.Context.Response.Headers.Connection.ToString(), Is.Empty, "a 401 keeps the agent's connection");
            Assert.That(_fake.ArrivedCount, Is.Zero);
            Assert.That(_log.Collector.GetSnapshot().Select(r => (r.Id.Id, r.Level)), Is.EqualTo(new[] { (1012, LogLevel.Information) }));
        });
    }

    [Test]
    public async Task NoToken_OnTheMessagesRoute_Is401InAnthropicShape()
    {
        var call = Call("POST", "/v1/messages", ProxyClient.MessagesBody, ("anthropic-version", "2023-06-01"));

        await Handler().HandleAsync(call.Context);

        using var doc = call.Json();
        Assert.Multiple(() =>
        {
            Assert.That(call.Context.Response.StatusCode, Is.EqualTo(401));
            Assert.That(doc.RootElement.GetProperty("type").GetString(), Is.EqualTo("error"));
            Assert.That(doc.RootElement.GetProperty("error").GetProperty("type").GetString(), Is.EqualTo("authentication_error"));
            Assert.That(doc.RootElement.GetProperty("error").GetProperty("message").GetString(), Does.Contain("missing or unknown agent token"));
        });
    }

    [TestCase("x-api-key", "sk-iron-not-a-token")]
    [TestCase("anthropic-version", "2023-06-01")]
    public async Task NoValidToken_OnAnUnknownRoute_WithOneAnthropicHeader_Is401InAnthropicShape(string header, string value)
    {
        var call = Call("POST", "/v1/complete", """{"model":"claude-2.1","prompt":"Hi"}""", (header, value));

        await Handler().HandleAsync(call.Context);

        using var doc = call.Json();
        Assert.Multiple(() =>
        {
            Assert.That(call.Context.Response.StatusCode, Is.EqualTo(401));
            Assert.That(doc.RootElement.GetProperty("type").GetString(), Is.EqualTo("error"));
            Assert.That(doc.RootElement.GetProperty("error").GetProperty("type").GetString(), Is.EqualTo("authentication_error"));
        });
    }

    [Test]
    public async Task ProxyAtCapacity_Is503Overloaded_AndNeverReachesProvider()
    {
        string token = _tokens.Issue("a1");
        var admission = new ProxyAdmission(new ProxyCapacity(Calls: 0, Connections: 1, Descriptors: 0, Reserve: 0), _log);
        var call = Call("POST", ChatPath, ProxyClient.ChatBody, ("Authorization", "Bearer " + token));

        await Handler(admission).HandleAsync(call.Context);

        using var doc = call.Json();
        Assert.Multiple(() =>
        {
            Assert.That(call.Context.Response.StatusCode, Is.EqualTo(503));
            Assert.That(doc.RootElement.GetProperty("error").GetProperty("type").GetString(), Is.EqualTo("iron_runtime_overloaded"));
            Assert.That(call.Context.Response.Headers.RetryAfter.ToString(), Is.EqualTo("1"));
            Assert.That(_fake.ArrivedCount, Is.Zero);
            Assert.That(admission.InFlight, Is.Zero);
        });
    }

    [Test]
    public async Task OversizedBody_Is413_AndClosesTheAgentsConnection()
    {
        // The router reads at most MaxRequestBodyBytes (4,096 here) of a body and refuses the rest: the connection is
        // closed rather than left for the server to drain the part nobody read.
        string token = _tokens.Issue("a1");
        string body = $$"""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"{{new string('x', 8 * 1024)}}"}]}""";
        var call = Call("POST", ChatPath, body, ("Authorization", "Bearer " + token));

        await Handler().HandleAsync(call.Context);

        Assert.Multiple(() =>
        {
            Assert.That(call.Context.Response.StatusCode, Is.EqualTo(413), call.Text);
            Assert.That(call.Context.Response.Headers.Connection.ToString(), Is.EqualTo("close"));
            Assert.That(_fake.ArrivedCount, Is.Zero);
        });
    }

    [Test]
    public async Task ProvidersOwn503_IsPassedOn_AndKeepsTheAgentsConnection()
    {
        // Only the runtime's own 503 (overloaded, circuit open) closes the connection; a provider's is the provider's answer.
        string token = _tokens.Issue("a1");
        _fake.FailNext(1, 503);
        var call = Call("POST", ChatPath, ProxyClient.ChatBody, ("Authorization", "Bearer " + token));

        await Handler().HandleAsync(call.Context);

        Assert.Multiple(() =>
        {
            Assert.That(call.Context.Response.StatusCode, Is.EqualTo(503), call.Text);
            Assert.That(call.Context.Response.Headers.Connection.ToString(), Is.Empty);
        });
    }

    [Test]
    public async Task ProxiedCall_HoldsTwoDescriptors_TheAgentsConnectionAndTheProviders()
    {
        string token = _tokens.Issue("a1");
        var call = Call("POST", ChatPath, ProxyClient.ChatBody, ("Authorization", "Bearer " + token));
        _fake.HoldResponses();
        Task handled;
        long held;
        try
        {
            handled = Handler().HandleAsync(call.Context);
            await _fake.WaitForArrivalsAsync(1).WaitAsync(TimeSpan.FromSeconds(30));
            held = _router.Descriptors.InUse;
        }
        finally
        {
            _fake.ReleaseHeld();
        }

        await handled.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Multiple(() =>
        {
            Assert.That(held, Is.EqualTo(2));
            Assert.That(_router.Descriptors.InUse, Is.Zero);
            Assert.That(call.Context.Response.StatusCode, Is.EqualTo(200));
        });
    }

    [Test]
    public async Task BodilessGet_WithContentLengthZero_StaysBodilessUpstream()
    {
        // RFC 9110 §8.6: no Content-Length on a request without content whose method expects none.
        string token = _tokens.Issue("a1");
        var call = Call("GET", "/v1/models", null, ("Authorization", "Bearer " + token));
        call.Context.Request.ContentLength = 0;

        await Handler().HandleAsync(call.Context);

        Assert.Multiple(() =>
        {
            Assert.That(_fake.ArrivedCount, Is.EqualTo(1), call.Text);
            Assert.That(_fake.LastRequest.Method, Is.EqualTo("GET"));
            Assert.That(_fake.LastRequest.Header("Content-Length"), Is.Null);
        });
    }

    [Test]
    public async Task StreamBrokenOffByTheProvider_AbortsTheAgentsResponse_Logged()
    {
        string token = _tokens.Issue("a1");
        _fake.AbortAfterEvents = 2;
        var call = Call("POST", ChatPath, ProxyClient.StreamBody, ("Authorization", "Bearer " + token));

        await Handler().HandleAsync(call.Context);

        Assert.Multiple(() =>
        {
            Assert.That(call.Aborted, Is.True, "the agent must see a broken answer, not a short one that looks complete");
            Assert.That(call.Text, Does.StartWith("data: {"));
            Assert.That(_log.Collector.GetSnapshot().Select(r => r.Id.Id), Does.Contain(1014));
        });
    }

    [Test]
    public async Task ProviderUnreachable_Is502InProviderShape_Logged()
    {
        await using var services = Router(o => o.OpenAI.BaseUrl = Resilience.ResilienceTestSupport.ClosedPort());

        AgentCall call = await ChatThroughAsync(services);

        using var doc = call.Json();
        var error = doc.RootElement.GetProperty("error");
        Assert.Multiple(() =>
        {
            Assert.That(call.Context.Response.StatusCode, Is.EqualTo(502), call.Text);
            Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("iron_runtime_upstream_error"));
            Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("upstream_unreachable"));
            Assert.That(error.GetProperty("message").GetString(), Does.StartWith("IronRuntime could not complete the call to the provider: "));
            Assert.That(_log.Collector.GetSnapshot().Select(r => (r.Id.Id, r.Level)), Is.EqualTo(new[] { (1013, LogLevel.Warning) }));
        });
    }

    [Test]
    public async Task ProcessOutOfFileDescriptors_Is503Overloaded_ClosesTheConnection_Logged()
    {
        // What SocketsHttpHandler throws when socket() fails with EMFILE, raised where the provider hop would connect.
        await using var services = Router(
            o => o.OpenAI.BaseUrl = _fake.OpenAIEndpoint,
            s => s.AddHttpClient(LlmRouterServiceCollectionExtensions.UpstreamClientName).AddHttpMessageHandler(() => new OutOfDescriptorsHandler()));

        AgentCall call = await ChatThroughAsync(services);

        using var doc = call.Json();
        var error = doc.RootElement.GetProperty("error");
        Assert.Multiple(() =>
        {
            Assert.That(call.Context.Response.StatusCode, Is.EqualTo(503), call.Text);
            Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("iron_runtime_overloaded"));
            Assert.That(error.GetProperty("message").GetString(), Does.Contain("no file descriptor left"));
            Assert.That(call.Context.Response.Headers.RetryAfter.ToString(), Is.EqualTo("1"));
            Assert.That(call.Context.Response.Headers.Connection.ToString(), Is.EqualTo("close"));
            Assert.That(_log.Collector.GetSnapshot().Select(r => (r.Id.Id, r.Level)), Is.EqualTo(new[] { (1018, LogLevel.Warning) }));
        });
    }

    private static ServiceProvider Router(Action<LlmRouterOptions> configure, Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection();
        more?.Invoke(services);
        services.AddLlmRouter(o =>
        {
            o.OpenAI.ApiKey = FakeProvider.OpenAIKey;
            o.Anthropic.ApiKey = FakeProvider.AnthropicKey;
            o.MaxRequestBodyBytes = 4096;
            configure(o);
        });
        return services.BuildServiceProvider();
    }

    /// <summary>An agent's chat call through a handler over the router of <paramref name="services"/>.</summary>
    private async Task<AgentCall> ChatThroughAsync(ServiceProvider services)
    {
        var call = Call("POST", ChatPath, ProxyClient.ChatBody, ("Authorization", "Bearer " + _tokens.Issue("a1")));
        await Handler(router: services.GetRequiredService<LlmRouter>()).HandleAsync(call.Context);
        return call;
    }

    private ProxyAdmission Admission() => new(ProxyCapacity.Unlimited, _log);

    private ProxyRequestHandler Handler(ProxyAdmission? admission = null, LlmRouter? router = null)
        => new(router ?? _router, _tokens, admission ?? Admission(), _log);

    private static AgentCall Call(string method, string path, string? body, params (string Name, string Value)[] headers)
    {
        var call = new AgentCall();
        HttpRequest request = call.Context.Request;
        request.Method = method;
        request.Path = path;
        if (body is not null)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(body);
            request.Body = new MemoryStream(bytes);
            request.ContentLength = bytes.Length;
            request.ContentType = "application/json";
        }

        foreach (var (name, value) in headers)
        {
            request.Headers[name] = value;
        }

        return call;
    }

    /// <summary>An agent's call: the context, what the agent received, and whether its connection was aborted.</summary>
    private sealed class AgentCall : IHttpRequestLifetimeFeature
    {
        private readonly MemoryStream _received = new();

        public AgentCall()
        {
            Context.Features.Set<IHttpRequestLifetimeFeature>(this);
            Context.Response.Body = _received;
        }

        public DefaultHttpContext Context { get; } = new();

        public bool Aborted { get; private set; }

        public string Text => Encoding.UTF8.GetString(_received.ToArray());

        public CancellationToken RequestAborted { get; set; }

        public JsonDocument Json() => JsonDocument.Parse(_received.ToArray());

        public void Abort() => Aborted = true;
    }

    private sealed class CallLog : ILlmCallObserver
    {
        private readonly ConcurrentQueue<string?> _callers = new();

        public string?[] CallerIds => [.. _callers];

        public void OnCallCompleted(LlmCall call) => _callers.Enqueue(call.CallerId);

        public void Clear() => _callers.Clear();
    }

    private sealed class OutOfDescriptorsHandler : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => throw new HttpRequestException("connect failed", new SocketException((int)SocketError.TooManyOpenSockets));
    }
}
