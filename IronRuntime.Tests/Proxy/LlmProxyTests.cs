using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using IronRuntime.Router;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Support;

namespace IronRuntime.Tests.Proxy;

/// <summary>The loopback proxy over a real socket: attribution by token, provider-shaped errors, streaming and disconnects.</summary>
public sealed class LlmProxyTests
{
    private RuntimeHarness _h = null!;
    private CallRecorder _calls = null!;
    private LlmProxy _proxy = null!;
    private HttpClient _http = null!;

    [SetUp]
    public async Task SetUp()
    {
        _h = await RuntimeHarness.StartAsync(b =>
        {
            b.WithBudget(10m).Configure(c => c.Router.MaxRequestBodyBytes = 4096);
            _calls = CallRecorder.AddTo(b);
        });
        _proxy = _h.Runtime.Proxy;
        await _proxy.StartAsync();
        _http = ProxyClient.Create(_proxy);
    }

    [TearDown]
    public async Task TearDown()
    {
        _http.Dispose();
        await _h.DisposeAsync();
    }

    [Test]
    public async Task ChatCompletion_BearerToken_ReachesProviderWithRealKeyAndIsAttributedToTheAgent()
    {
        string token = _proxy.IssueToken("a1");
        _h.Fake.Usage = new TokenUsage(12, 7);

        using var response = await _http.SendAsync(ProxyClient.Post("/v1/chat/completions", ProxyClient.ChatBody, token));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var upstream = _h.Fake.LastRequest;
        var metrics = _h.Runtime.GetMetrics("a1");
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(doc.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(response.Content.Headers.ContentLength, Is.GreaterThan(0), "a JSON answer keeps its length");
            Assert.That(upstream.Header("Authorization"), Is.EqualTo("Bearer " + FakeProvider.OpenAIKey));
            Assert.That(upstream.Headers.Values, Has.None.Contains(token));
            Assert.That((metrics.Requests, metrics.SucceededRequests, metrics.InputTokens, metrics.OutputTokens), Is.EqualTo((1L, 1L, 12L, 7L)));
            Assert.That(metrics.BudgetSpent, Is.GreaterThan(0m));
        });
    }

    [Test]
    public async Task Messages_XApiKeyToken_ReachesAnthropicWithRealKey()
    {
        string token = _proxy.IssueToken("claude-agent");

        using var response = await _http.SendAsync(ProxyClient.PostMessages(token));

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(_h.Fake.LastRequest.Header("x-api-key"), Is.EqualTo(FakeProvider.AnthropicKey));
            Assert.That(_h.Runtime.GetMetrics("claude-agent").SucceededRequests, Is.EqualTo(1));
        });
    }

    [TestCase("/v1/chat/completions", null)]
    [TestCase("/v1/chat/completions", "sk-iron-not-a-token")]
    [TestCase("/v1/chat/completions", "revoked")]
    [TestCase("/v1/messages", null)]
    [TestCase("/v1/messages", "sk-iron-not-a-token")]
    public async Task MissingOrUnknownToken_Is401InTheRouteProvidersShape_AndNeverReachesProvider(string path, string? token)
    {
        if (token == "revoked")
        {
            token = _proxy.IssueToken("gone");
            Assert.That(_proxy.RevokeToken(token), Is.True);
        }

        bool anthropic = path == "/v1/messages";
        using var request = anthropic ? ProxyClient.PostMessages(token) : ProxyClient.Post(path, ProxyClient.ChatBody, token);
        using var response = await _http.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(body);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(doc.RootElement.GetProperty("error").GetProperty("type").GetString(), Is.EqualTo(anthropic ? "authentication_error" : "invalid_request_error"));
            Assert.That(doc.RootElement.TryGetProperty("type", out var type) ? type.GetString() : null, Is.EqualTo(anthropic ? "error" : null));
            Assert.That(body, Does.Contain("agent token"));
            Assert.That(_h.Fake.ArrivedCount, Is.Zero);
        });
    }

    [TestCase("/v1/chat/completions", "{not json", "invalid_request_error")]
    [TestCase("/v1/messages", "[]", "invalid_request_error")]
    public async Task MalformedJson_Is400InProviderShape_AndProxyServesTheNextCall(string path, string body, string type)
    {
        string token = _proxy.IssueToken("a1");
        using var request = path == "/v1/messages" ? ProxyClient.PostMessages(token, body) : ProxyClient.Post(path, body, token);

        using var response = await _http.SendAsync(request);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(doc.RootElement.GetProperty("error").GetProperty("type").GetString(), Is.EqualTo(type));
            Assert.That(doc.RootElement.TryGetProperty("type", out var shape) ? shape.GetString() : null, Is.EqualTo(path == "/v1/messages" ? "error" : null));
            Assert.That(_h.Fake.ArrivedCount, Is.Zero);
        });
        await AssertServesAsync();
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task OversizedBody_Is413InProviderShape_WithOrWithoutContentLength(bool declareLength)
    {
        string token = _proxy.IssueToken("a1");
        byte[] body = Encoding.UTF8.GetBytes($$"""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"{{new string('x', 64 * 1024)}}"}]}""");
        using var request = ProxyClient.Post("/v1/chat/completions", string.Empty, token);
        request.Content = declareLength ? new ByteArrayContent(body) : new StreamContent(new MemoryStream(body));
        request.Content.Headers.ContentType = new("application/json");
        if (!declareLength)
        {
            request.Headers.TransferEncodingChunked = true;
        }

        using var response = await _http.SendAsync(request);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
            Assert.That(doc.RootElement.GetProperty("error").GetProperty("code").GetString(), Is.EqualTo("request_too_large"));
            Assert.That(_h.Fake.ArrivedCount, Is.Zero);
        });
        await AssertServesAsync();
    }

    [Test]
    public async Task UnknownRoute_Is404InProviderShape()
    {
        string token = _proxy.IssueToken("a1");

        using var response = await _http.SendAsync(ProxyClient.Post("/v1/images/generations", "{}", token));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(doc.RootElement.GetProperty("error").GetProperty("code").GetString(), Is.EqualTo("unknown_route"));
        });
        await AssertServesAsync();
    }

    [Test]
    public async Task RequestHeaders_ProviderHeadersForwarded_CredentialsHopByHopAndAcceptEncodingDropped()
    {
        string token = _proxy.IssueToken("a1");
        using var request = ProxyClient.Post("/v1/chat/completions", ProxyClient.ChatBody, token);
        request.Headers.Add("OpenAI-Beta", "assistants=v2");
        request.Headers.Add("x-stainless-lang", "js");
        request.Headers.Add("x-api-key", token);
        request.Headers.Add("Proxy-Authorization", "Basic c2VjcmV0");
        request.Headers.AcceptEncoding.ParseAdd("gzip, br");

        using var response = await _http.SendAsync(request);

        var upstream = _h.Fake.LastRequest;
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(upstream.Header("OpenAI-Beta"), Is.EqualTo("assistants=v2"));
            Assert.That(upstream.Header("x-stainless-lang"), Is.EqualTo("js"));
            Assert.That(upstream.Header("Content-Type"), Does.StartWith("application/json"));
            Assert.That(upstream.Header("x-api-key"), Is.Null);
            Assert.That(upstream.Header("Proxy-Authorization"), Is.Null);
            Assert.That(upstream.Header("Accept-Encoding"), Is.Null, "the router meters uncompressed answers only");
            Assert.That(response.Headers.Contains("x-request-id"), Is.True, "provider response headers come back");
        });
    }

    [Test]
    public async Task Stream_EachEventIsForwardedAsSoonAsItIsComplete()
    {
        string token = _proxy.IssueToken("a1");
        _h.Fake.EventDelay = TimeSpan.FromSeconds(3);
        using var request = ProxyClient.Post("/v1/chat/completions", ProxyClient.StreamBody, token);

        // The fake sends the first event at once and each next one 3 s later: within 2 s only the first can arrive.
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(TimeSpan.FromSeconds(2));
        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[16 * 1024];
        int first = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
        string text = Encoding.UTF8.GetString(buffer, 0, first);

        Assert.Multiple(() =>
        {
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));
            Assert.That(text, Does.StartWith("data: {").And.EndWith("\n\n"));
            Assert.That(text.Split("\n\n"), Has.Length.EqualTo(2), "exactly one whole event");
        });
    }

    [Test]
    public async Task ClientDisconnectsDuringAPauseInTheStream_UpstreamAbortedAtOnce()
    {
        string token = _proxy.IssueToken("quitter");
        _h.Fake.EventDelay = TimeSpan.FromSeconds(60); // far beyond the waits below, so that a loaded machine cannot blur "at once"

        using (var client = ProxyClient.Create(_proxy))
        {
            var response = await client.SendAsync(ProxyClient.Post("/v1/chat/completions", ProxyClient.StreamBody, token), HttpCompletionOption.ResponseHeadersRead);
            _ = await (await response.Content.ReadAsStreamAsync()).ReadAsync(new byte[16 * 1024]);
            response.Dispose(); // the next event is 60 s away: the proxy is waiting on the provider
        }

        // Not at the next event, 60 s later: the agent's disconnect cancels the wait on the provider.
        await Eventually.UntilAsync(() => _h.Fake.AbortedCount == 1, TimeSpan.FromSeconds(20), "the provider call to be aborted");
        await Eventually.UntilAsync(() => _calls.Calls.Any(c => c.CallerId == "quitter"), TimeSpan.FromSeconds(20));
        Assert.That(_calls.Calls.Single(c => c.CallerId == "quitter").Outcome, Is.EqualTo(LlmCallOutcome.Cancelled));
    }

    [Test]
    public async Task ClientDisconnectsMidStream_UpstreamCancelled_PartialUsageSettled_ProxyServesOthers()
    {
        string token = _proxy.IssueToken("quitter");
        _h.Fake.EventDelay = TimeSpan.FromMilliseconds(200);
        _h.Fake.ReplyText = string.Join(' ', Enumerable.Repeat("word", 60)); // about 12 s if read to the end

        using (var client = ProxyClient.Create(_proxy))
        {
            var response = await client.SendAsync(ProxyClient.Post("/v1/chat/completions", ProxyClient.StreamBody, token), HttpCompletionOption.ResponseHeadersRead);
            var stream = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[16 * 1024];
            int received = 0;
            while (Encoding.UTF8.GetString(buffer, 0, received).Split("\n\n").Length < 4)
            {
                received += await stream.ReadAsync(buffer.AsMemory(received));
            }

            response.Dispose(); // closes the connection mid-stream
        }

        await Eventually.UntilAsync(() => _calls.Calls.Any(c => c.CallerId == "quitter") && _h.Fake.AbortedCount == 1, because: "the call to complete and the upstream to be aborted");
        var call = _calls.Calls.Single(c => c.CallerId == "quitter");
        var budget = _h.Runtime.GetBudget("quitter");
        Assert.Multiple(() =>
        {
            Assert.That(call.Outcome, Is.EqualTo(LlmCallOutcome.Cancelled));
            Assert.That(call.Usage.OutputTokens, Is.InRange(2, 59), "what was received, not the whole answer");
            Assert.That(budget.Reserved, Is.Zero);
            Assert.That(budget.Spent, Is.GreaterThan(0m));
        });

        _h.Fake.EventDelay = TimeSpan.Zero;
        await AssertServesAsync();
    }

    [TestCase(false, "iron_runtime_upstream_error")]
    [TestCase(true, "iron_runtime_provider_unreachable")]
    public async Task UpstreamUnreachable_Is502InProviderShape(bool resilience, string errorType)
    {
        await using var h = await RuntimeHarness.StartAsync(b => b
            .UseOpenAI(FakeProvider.OpenAIKey, Resilience.ResilienceTestSupport.ClosedPort())
            .Configure(c => { c.Resilience.Enabled = resilience; c.Resilience.MaxRetryAttempts = 0; }));
        await h.Runtime.Proxy.StartAsync();
        using var http = ProxyClient.Create(h.Runtime.Proxy);

        // Without resilience the router's call throws and the proxy answers; with it, the resilience stage answers.
        using var response = await http.SendAsync(ProxyClient.Post("/v1/chat/completions", ProxyClient.ChatBody, h.Runtime.Proxy.IssueToken("a1")));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadGateway));
            Assert.That(doc.RootElement.GetProperty("error").GetProperty("type").GetString(), Is.EqualTo(errorType));
            Assert.That(h.Runtime.GetMetrics("a1").Errors, Is.EqualTo(1));
        });
        await AssertServesAsync();
    }

    [Test]
    public async Task Lifecycle_BaseUrls_ConfiguredPort_StopAndRestart()
    {
        // A configured port has to be free when the proxy binds it: another process may take a port between the probe
        // and the bind, so a bind that fails for that reason is tried again on another port (bounded).
        int port = 0;
        RuntimeHarness? started = null;
        for (int attempt = 0; started is null; attempt++)
        {
            using (var probe = new TcpListener(System.Net.IPAddress.Loopback, 0))
            {
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
                probe.Stop();
            }

            int chosen = port;
            var candidate = await RuntimeHarness.StartAsync(b => b.Configure(c => c.Router.Proxy.Port = chosen));
            Assert.That(candidate.Runtime.Proxy.IsRunning, Is.False);
            Assert.That(() => candidate.Runtime.Proxy.BaseAddress, Throws.InvalidOperationException);
            try
            {
                await candidate.Runtime.Proxy.StartAsync();
                started = candidate;
            }
            catch (IOException) when (attempt < 5)
            {
                await candidate.DisposeAsync();
            }
        }

        await using var h = started;
        var proxy = h.Runtime.Proxy;
        await proxy.StartAsync();
        string token = proxy.IssueToken("a1");
        Assert.Multiple(() =>
        {
            Assert.That(proxy.BaseAddress, Is.EqualTo(new Uri($"http://127.0.0.1:{port}/")));
            Assert.That(proxy.OpenAIBaseUrl, Is.EqualTo(new Uri($"http://127.0.0.1:{port}/v1")));
            Assert.That(proxy.AnthropicBaseUrl, Is.EqualTo(new Uri($"http://127.0.0.1:{port}/")));
        });

        await proxy.StopAsync();
        Assert.That(proxy.IsRunning, Is.False);
        await proxy.StartAsync();
        using var http = ProxyClient.Create(proxy);
        using var response = await http.SendAsync(ProxyClient.Post("/v1/chat/completions", ProxyClient.ChatBody, token));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "tokens outlive a restart");
    }

    private async Task AssertServesAsync()
    {
        using var response = await _http.SendAsync(ProxyClient.Post("/v1/chat/completions", ProxyClient.ChatBody, _proxy.IssueToken("bystander")));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the proxy keeps serving other agents");
    }
}
