using System.Text;
using IronRuntime.Router;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Support;

namespace IronRuntime.Tests.Proxy;

/// <summary>
/// Issue 9, findings 5, 7 and 10 at the loopback proxy, over a raw socket: only allowed routes are forwarded and a
/// path that decodes into something else is refused before a key is attached; a client's broken body is the client's
/// error (400/408, provider-shaped, never 502); a provider error that echoes part of the key reaches the agent scrubbed.
/// </summary>
public sealed class ProxyBoundaryTests
{
    private RuntimeHarness _h = null!;
    private LlmProxy _proxy = null!;
    private string _token = null!;

    [SetUp]
    public async Task SetUp()
    {
        _h = await RuntimeHarness.StartAsync(b => b.WithBudget(10m).Configure(c => c.Router.MaxRequestBodyBytes = 64 * 1024));
        _proxy = _h.Runtime.Proxy;
        await _proxy.StartAsync();
        _token = _proxy.IssueToken("a1");
    }

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    [TestCase("/v1/models/..%2F..%2Fv1%2Ffiles")]
    [TestCase("/v1/models/..%2f..%2fv1%2ffiles")]
    [TestCase("/v1/models/..%5C..%5Cv1%5Cfiles")]
    [TestCase("/v1/models/%2E%2E%5C%2E%2E%5Cv1%5Cfiles")]
    [TestCase("/v1/models/gpt-4o%252F..%252Ffiles")]
    public async Task Get_EncodedTraversal_Is400InOpenAIShapeAndNeverReachesProvider(string path)
    {
        var answer = await RawHttp.SendAsync(_proxy.BaseAddress, $"GET {path} HTTP/1.1\r\nAuthorization: Bearer {_token}");

        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(400), answer.Body);
            Assert.That(answer.Error.GetProperty("type").GetString(), Is.EqualTo("invalid_request_error"));
            Assert.That(answer.Error.GetProperty("code").GetString(), Is.EqualTo("invalid_path"));
            Assert.That(_h.Fake.ArrivedCount, Is.Zero);
        });
    }

    [TestCase("GET /v1/models/../../v1/files")]
    [TestCase("GET /v1/models/%2e%2e/%2e%2e/v1/files")]
    [TestCase("GET /v1/models/..\\..\\v1\\files")]
    [TestCase("GET /v1/files")]
    [TestCase("GET /v1/models/gpt-4o/../../files")]
    [TestCase("POST /v1/files")]
    [TestCase("DELETE /v1/models/ft:gpt-4o-mini:org:x:1")]
    public async Task Request_OutsideTheAllowList_IsRefusedAndNeverReachesProvider(string line)
    {
        var answer = await RawHttp.SendAsync(_proxy.BaseAddress, $"{line} HTTP/1.1\r\nAuthorization: Bearer {_token}\r\nContent-Length: 0");

        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.AnyOf(400, 404), answer.Body);
            Assert.That(answer.Error.GetProperty("type").GetString(), Is.EqualTo("invalid_request_error"));
            Assert.That(_h.Fake.ArrivedCount, Is.Zero);
        });
    }

    [TestCase("/v1/models")]
    [TestCase("/v1/models/gpt-4o-mini")]
    [TestCase("/v1/models/ft:gpt-4o-mini:org:custom:abc123")]
    public async Task GetModels_AllowedRoute_ReachesProviderOnTheSamePathWithTheRealKey(string path)
    {
        await RawHttp.SendAsync(_proxy.BaseAddress, $"GET {path} HTTP/1.1\r\nAuthorization: Bearer {_token}");

        Assert.Multiple(() =>
        {
            Assert.That(_h.Fake.ArrivedCount, Is.EqualTo(1));
            Assert.That(_h.Fake.LastRequest.Path, Is.EqualTo(path));
            Assert.That(_h.Fake.LastRequest.Header("Authorization"), Is.EqualTo("Bearer " + FakeProvider.OpenAIKey));
        });
    }

    [Test]
    public async Task Post_MalformedChunkSize_Is400InOpenAIShapeNot502()
    {
        var answer = await RawHttp.SendAsync(_proxy.BaseAddress,
            $"POST /v1/chat/completions HTTP/1.1\r\nAuthorization: Bearer {_token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked",
            [RawHttp.Chunk("""{"model":"gpt-4o-mini","""), "ZZZ\r\nabc\r\n0\r\n\r\n"u8.ToArray()]);

        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(400), answer.Body);
            Assert.That(answer.Error.GetProperty("type").GetString(), Is.EqualTo("invalid_request_error"));
            Assert.That(answer.Error.GetProperty("code").GetString(), Is.EqualTo("invalid_body"));
            Assert.That(_h.Fake.ArrivedCount, Is.Zero);
        });
    }

    [Test]
    public async Task Post_InvalidUtf8InModel_Is400InOpenAIShapeNot502()
    {
        byte[] body = [.. """{"model":"gpt-4o-mini"""u8, 0xFF, .. "\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"u8];
        var answer = await RawHttp.SendAsync(_proxy.BaseAddress,
            $"POST /v1/chat/completions HTTP/1.1\r\nAuthorization: Bearer {_token}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}",
            [body]);

        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(400), answer.Body);
            Assert.That(answer.Error.GetProperty("message").GetString(), Does.Contain("UTF-8"));
            Assert.That(_h.Fake.ArrivedCount, Is.Zero);
        });
    }

    [Test]
    public async Task Post_AnthropicBodyTrickledAt1BytePerSecond_Is408InAnthropicShape()
    {
        // Kestrel's minimum request body data rate: 240 bytes/s after a 5 s grace period.
        byte[] body = Encoding.UTF8.GetBytes(ProxyClient.MessagesBody);
        var parts = body.Select(b => new[] { b });
        var answer = await RawHttp.SendAsync(_proxy.BaseAddress,
            $"POST /v1/messages HTTP/1.1\r\nx-api-key: {_token}\r\nanthropic-version: 2023-06-01\r\nContent-Type: application/json\r\nContent-Length: {body.Length}",
            parts, pause: TimeSpan.FromSeconds(1));

        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(408), answer.Body);
            Assert.That(answer.Body, Does.StartWith("""{"type":"error","error":{"type":"invalid_request_error","""));
            Assert.That(_h.Fake.ArrivedCount, Is.Zero);
        });
    }

    [Test]
    public async Task ProviderError_EchoingPartsOfTheKey_ReachesTheAgentScrubbed()
    {
        string key = FakeProvider.OpenAIKey;
        string echoed = $$$"""{"error":{"message":"Bad key {{{key}}}; also seen: {{{key[5..19]}}} and {{{key[^9..]}}}; prefix {{{key[..10]}}}","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""";
        _h.Fake.FailNext(1, 401, echoed);
        byte[] body = Encoding.UTF8.GetBytes(ProxyClient.ChatBody);

        var answer = await RawHttp.SendAsync(_proxy.BaseAddress,
            $"POST /v1/chat/completions HTTP/1.1\r\nAuthorization: Bearer {_token}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}",
            [body]);

        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(401));
            Assert.That(answer.Error.GetProperty("code").GetString(), Is.EqualTo("invalid_api_key"), "still valid JSON in OpenAI's shape");
            Assert.That(answer.Error.GetProperty("message").GetString(), Does.Contain("[redacted]"));
            Assert.That(KeyFragments(key, 8).Where(f => answer.Body.Contains(f, StringComparison.Ordinal)), Is.Empty);
        });
    }

    /// <summary>Every substring of <paramref name="key"/> of <paramref name="length"/> characters.</summary>
    internal static IEnumerable<string> KeyFragments(string key, int length)
        => Enumerable.Range(0, key.Length - length + 1).Select(i => key.Substring(i, length));
}
