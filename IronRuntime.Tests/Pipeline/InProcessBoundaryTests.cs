using System.Net;
using System.Text;
using System.Text.Json;
using IronRuntime.Router;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Proxy;
using IronRuntime.Tests.Support;

namespace IronRuntime.Tests.Pipeline;

/// <summary>Issue 9, findings 5, 7 and 10 for in-process agents (the router's <see cref="HttpClient"/>).</summary>
public sealed class InProcessBoundaryTests
{
    private RuntimeHarness _h = null!;

    [SetUp]
    public async Task SetUp() => _h = await RuntimeHarness.StartAsync(b => b.WithBudget(10m));

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    [TestCase("https://api.openai.com/v1/models/..%2F..%2Fv1%2Ffiles")]
    [TestCase("https://api.openai.com/v1/models/..%5C..%5Cv1%5Cfiles")]
    public async Task Get_EncodedTraversal_Is400AndNeverReachesProvider(string url)
    {
        using var http = _h.Runtime.CreateHttpClient("a1");
        using var response = await http.GetAsync(new Uri(url));

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await ErrorCodeAsync(response), Is.EqualTo("invalid_path"));
            Assert.That(_h.Fake.ArrivedCount, Is.Zero);
        });
    }

    [Test]
    public async Task GetModels_RouteNotInTheConfiguredAllowList_Is404AndNeverReachesProvider()
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.Configure(c => c.Router.AllowedRoutes = LlmRoutes.All & ~LlmRoutes.Models));
        using var http = h.Runtime.CreateHttpClient("a1");

        using var models = await http.GetAsync(new Uri("https://api.openai.com/v1/models"));
        using var chat = await http.PostAsync(new Uri("https://api.openai.com/v1/chat/completions"), new StringContent(ProxyClient.ChatBody, Encoding.UTF8, "application/json"));

        Assert.Multiple(async () =>
        {
            Assert.That(models.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(await ErrorCodeAsync(models), Is.EqualTo("unknown_route"));
            Assert.That(chat.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the other routes still go through");
            Assert.That(h.Fake.Requests.Select(r => r.Path), Is.EqualTo(new[] { "/v1/chat/completions" }));
        });
    }

    [Test]
    public async Task Post_InvalidUtf8InModel_Is400NotAnException()
    {
        byte[] body = [.. """{"model":"gpt-4o-mini"""u8, 0xFF, .. "\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"u8];
        using var http = _h.Runtime.CreateHttpClient("a1");
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");

        using var response = await http.PostAsync(new Uri("https://api.openai.com/v1/chat/completions"), content);

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("not valid UTF-8"));
            Assert.That(_h.Fake.ArrivedCount, Is.Zero);
        });
    }

    [Test]
    public async Task Post_BodyStreamFails_Is400NotAnException()
    {
        using var http = _h.Runtime.CreateHttpClient("a1");
        using var content = new StreamContent(new FailingStream());
        content.Headers.ContentType = new("application/json");

        using var response = await http.PostAsync(new Uri("https://api.anthropic.com/v1/messages"), content);

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.StartWith("""{"type":"error","error":{"type":"invalid_request_error","""));
            Assert.That(_h.Fake.ArrivedCount, Is.Zero);
        });
    }

    [Test]
    public async Task ProviderError_AnthropicEchoesKeyFragments_ReachesTheAgentScrubbedInAnthropicShape()
    {
        string key = FakeProvider.AnthropicKey;
        _h.Fake.FailNext(1, 400, $$$"""{"type":"error","error":{"type":"invalid_request_error","message":"key {{{key[4..30]}}} and {{{key[^8..]}}} rejected"}}""");
        using var http = _h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(new Uri("https://api.anthropic.com/v1/messages"), new StringContent(ProxyClient.MessagesBody, Encoding.UTF8, "application/json"));
        string body = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(body);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(doc.RootElement.GetProperty("error").GetProperty("message").GetString(), Is.EqualTo("key [redacted] and [redacted] rejected"));
            Assert.That(ProxyBoundaryTests.KeyFragments(key, 8).Where(f => body.Contains(f, StringComparison.Ordinal)), Is.Empty);
            Assert.That(_h.Runtime.GetMetrics("a1").Errors, Is.EqualTo(1));
        });
    }

    private static async Task<string?> ErrorCodeAsync(HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("error").GetProperty("code").GetString();
    }

    /// <summary>A body that breaks off after a few bytes, as a caller's broken content would.</summary>
    private sealed class FailingStream : MemoryStream
    {
        private bool _sent;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_sent)
            {
                throw new IOException("the caller's body broke off");
            }

            _sent = true;
            "{\"mod"u8.CopyTo(buffer.Span);
            return new ValueTask<int>(5);
        }
    }
}
