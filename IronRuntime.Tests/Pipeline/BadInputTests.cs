using System.Net;
using System.Text;
using System.Text.Json;
using IronRuntime.Router;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Support;

namespace IronRuntime.Tests.Pipeline;

/// <summary>Bad requests and broken upstreams: clear provider-shaped errors, nothing leaked, reservations released.</summary>
public sealed class BadInputTests
{
    private const string ChatUrl = "https://api.openai.com/v1/chat/completions";
    private RuntimeHarness _h = null!;

    [SetUp]
    public async Task SetUp() => _h = await RuntimeHarness.StartAsync(b => b.WithBudget(1m));

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [TestCase("{not json", "parse")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}]}""", "model")]
    [TestCase("""{"model":"gpt-4o-mini","max_tokens":-1,"messages":[]}""", "positive integer")]
    [TestCase("""{"model":"gpt-4o-mini","max_completion_tokens":1e12,"messages":[]}""", "positive integer")]
    [TestCase("""{"model":"claude-sonnet-4-5","messages":[]}""", "no /v1/chat/completions route")]
    public async Task BadRequest_OpenAIRoute_Is400InOpenAIShapeAndNeverReachesProvider(string body, string expected)
    {
        using var http = _h.Runtime.CreateHttpClient("a1");
        if (expected.StartsWith("no ", StringComparison.Ordinal))
        {
            // Anthropic does serve Chat Completions; the check is the Responses route instead.
            using var r = await http.PostAsync("https://api.openai.com/v1/responses", Json(body));
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await r.Content.ReadAsStringAsync(), Does.Contain("has no"));
            return;
        }

        using var response = await http.PostAsync(ChatUrl, Json(body));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(doc.RootElement.GetProperty("error").GetProperty("type").GetString(), Is.EqualTo("invalid_request_error"));
            Assert.That(doc.RootElement.GetProperty("error").GetProperty("message").GetString(), Does.Contain(expected).IgnoreCase);
            Assert.That(_h.Fake.ArrivedCount, Is.Zero);
            Assert.That(_h.Runtime.GetMetrics("a1").Errors, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task BadRequest_AnthropicRoute_Is400InAnthropicShape()
    {
        using var http = _h.Runtime.CreateHttpClient("a1");
        using var response = await http.PostAsync("https://api.anthropic.com/v1/messages", Json("[]"));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(doc.RootElement.GetProperty("type").GetString(), Is.EqualTo("error"));
        Assert.That(doc.RootElement.GetProperty("error").GetProperty("type").GetString(), Is.EqualTo("invalid_request_error"));
    }

    [Test]
    public async Task UnknownRoute_Is404()
    {
        using var http = _h.Runtime.CreateHttpClient("a1");
        using var response = await http.PostAsync("https://api.openai.com/v1/images/generations", Json("{}"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task OversizedBody_Is413()
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.Configure(c => c.Router.MaxRequestBodyBytes = 4096));
        using var http = h.Runtime.CreateHttpClient("a1");
        string body = $$"""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"{{new string('x', 5000)}}"}]}""";

        using var response = await http.PostAsync(ChatUrl, Json(body));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(h.Fake.ArrivedCount, Is.Zero);
    }

    [Test]
    public async Task UpstreamGarbage_NonStreaming_Is502AndReservationReleased()
    {
        _h.Fake.Garbage = FakeGarbage.NotJson;
        using var http = _h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(ChatUrl, Json("""{"model":"gpt-4o-mini","max_tokens":50,"messages":[]}"""));
        string text = await response.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadGateway));
            Assert.That(text, Does.Contain("iron_runtime_upstream_error"));
            Assert.That(text, Does.Not.Contain(FakeProvider.OpenAIKey));
            Assert.That(_h.Runtime.GetBudget().Reserved, Is.Zero);
            Assert.That(_h.Runtime.GetMetrics("a1").Errors, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task UpstreamClosesMidStream_ClientSeesError_PartialUsageSettled_ReservationReleased()
    {
        _h.Fake.AbortAfterEvents = 3;
        using var http = _h.Runtime.CreateHttpClient("a1");
        using var request = new HttpRequestMessage(HttpMethod.Post, ChatUrl)
        {
            Content = Json("""{"model":"gpt-4o-mini","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"Hello there"}]}"""),
        };

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var read = new MemoryStream();
        Exception? error = null;
        try
        {
            await (await response.Content.ReadAsStreamAsync()).CopyToAsync(read);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            error = ex;
        }

        await Eventually.UntilAsync(() => _h.Runtime.GetMetrics("a1").Requests == 1);
        var m = _h.Runtime.GetMetrics("a1");
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(error, Is.InstanceOf<IOException>().Or.InstanceOf<HttpRequestException>(), "the cut reaches the client as an error");
            Assert.That(Encoding.UTF8.GetString(read.ToArray()), Does.Not.Contain("[DONE]"));
            Assert.That(m.Errors, Is.EqualTo(1), "a stream cut short is a failed call");
            // Received before the cut: the role chunk and two content deltas ("Hello", " from"); no usage was reported, so
            // the output is estimated at one token per content delta; both sides charged at gpt-4o-mini's 1.5e-07 / 6e-07.
            Assert.That(m.OutputTokens, Is.EqualTo(2), "what was received is charged");
            Assert.That(m.BudgetSpent, Is.EqualTo((m.InputTokens * 0.00000015m) + (2 * 0.0000006m)));
            Assert.That(_h.Runtime.GetBudget().Reserved, Is.Zero);
        });
    }

    [Test]
    public async Task ProviderError_PassesThroughAndReleasesReservation()
    {
        // A 4xx is the caller's problem: not retried, passed through (5xx are retried: see Resilience/RetryTests).
        _h.Fake.FailNext(1, 403);
        using var http = _h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(ChatUrl, Json("""{"model":"gpt-4o-mini","max_tokens":50,"messages":[]}"""));

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(_h.Fake.ArrivedCount, Is.EqualTo(1));
            Assert.That(_h.Runtime.GetBudget().Reserved, Is.Zero);
            Assert.That(_h.Runtime.GetBudget().Spent, Is.Zero);
            Assert.That(_h.Runtime.GetMetrics("a1").Errors, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task ClientDisposesMidStream_CallCancelled_ReservationReleased_ProviderConnectionClosedAtOnce()
    {
        _h.Fake.EventDelay = TimeSpan.FromSeconds(5);
        using var http = _h.Runtime.CreateHttpClient("a1");
        using var request = new HttpRequestMessage(HttpMethod.Post, ChatUrl)
        {
            Content = Json("""{"model":"gpt-4o-mini","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"Hello there"}]}"""),
        };

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        _ = await (await response.Content.ReadAsStreamAsync()).ReadAsync(new byte[4096]);
        response.Dispose();

        // Draining the rest for connection reuse would keep the provider generating until its next event, 5 s away.
        await Eventually.UntilAsync(() => _h.Fake.AbortedCount == 1, TimeSpan.FromSeconds(1.5), "the provider connection to close");
        await Eventually.UntilAsync(() => _h.Runtime.GetMetrics("a1").Requests == 1);
        Assert.That(_h.Runtime.GetBudget().Reserved, Is.Zero);
    }
}
