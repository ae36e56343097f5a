using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using IronRuntime.Router.Proxy;
using Microsoft.AspNetCore.Http;

namespace IronRuntime.Tests.Proxy;

/// <summary>
/// What crosses the proxy besides credentials: connection-level headers (RFC 9110 §7.6.1) never do, either way;
/// everything else does, with all its values, on the message or on its content. And the token digest is the SHA-256
/// of the token's UTF-8 bytes.
/// </summary>
public sealed class ProxyHeadersCopyTests
{
    [TestCase("Connection", "close")]
    [TestCase("Keep-Alive", "timeout=5")]
    [TestCase("Proxy-Connection", "keep-alive")]
    [TestCase("Proxy-Authorization", "Basic YTpi")]
    [TestCase("TE", "trailers")]
    [TestCase("Trailer", "Expires")]
    [TestCase("Transfer-Encoding", "chunked")]
    [TestCase("Upgrade", "websocket")]
    [TestCase("Host", "127.0.0.1:5000")]
    [TestCase("Content-Length", "12")]
    [TestCase("Expect", "100-continue")]
    [TestCase("accept-encoding", "br")]
    public void CopyRequestHeaders_ConnectionLevelHeaders_AreDropped(string name, string value)
    {
        var source = new HeaderDictionary { [name] = value };
        using var message = new HttpRequestMessage(HttpMethod.Post, "http://example.invalid/v1/chat/completions") { Content = new ByteArrayContent([]) };

        ProxyHeaders.CopyRequestHeaders(source, message);

        Assert.That(message.Headers.Concat(message.Content.Headers).Select(h => h.Key), Has.None.EqualTo(name).IgnoreCase);
    }

    [Test]
    public void CopyRequestHeaders_HeaderWithSeveralValues_KeepsThemAll()
    {
        var source = new HeaderDictionary { ["anthropic-beta"] = new(["prompt-caching-2024-07-31", "token-counting-2024-11-01"]), ["X-Trace"] = "t1" };
        using var message = new HttpRequestMessage(HttpMethod.Post, "http://example.invalid/v1/messages");

        ProxyHeaders.CopyRequestHeaders(source, message);

        Assert.That(message.Headers.GetValues("anthropic-beta"), Is.EqualTo(new[] { "prompt-caching-2024-07-31", "token-counting-2024-11-01" }));
        Assert.That(message.Headers.GetValues("X-Trace"), Is.EqualTo(new[] { "t1" }));
    }

    [Test]
    public void CopyRequestHeaders_ContentHeaderWithoutContent_IsLeftOut()
    {
        var source = new HeaderDictionary { ["Content-Type"] = "application/json", ["X-Trace"] = "t1" };
        using var message = new HttpRequestMessage(HttpMethod.Get, "http://example.invalid/v1/models");

        ProxyHeaders.CopyRequestHeaders(source, message);

        Assert.That(message.Content, Is.Null);
        Assert.That(message.Headers.Select(h => h.Key), Is.EqualTo(new[] { "X-Trace" }));
    }

    [Test]
    public void CopyResponseHeaders_CopiesMessageAndContentHeaders_ButNotConnectionLevelOnes()
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new ByteArrayContent(new byte[12]) };
        response.Headers.TryAddWithoutValidation("x-request-id", "req_1");
        response.Headers.TryAddWithoutValidation("openai-processing-ms", "42");
        response.Headers.TryAddWithoutValidation("Set-Cookie", ["a=1", "b=2"]);
        response.Headers.TryAddWithoutValidation("Connection", "keep-alive");
        response.Headers.TryAddWithoutValidation("Transfer-Encoding", "chunked");
        response.Headers.TryAddWithoutValidation("Upgrade", "h2c");
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        response.Content.Headers.ContentLength = 12;
        var target = new HeaderDictionary();

        ProxyHeaders.CopyResponseHeaders(response, target);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(target["x-request-id"].ToString(), Is.EqualTo("req_1"));
            Assert.That(target["openai-processing-ms"].ToString(), Is.EqualTo("42"));
            Assert.That(target["Set-Cookie"].ToArray(), Is.EqualTo(new[] { "a=1", "b=2" }));
            Assert.That(target["Content-Type"].ToString(), Is.EqualTo("application/json"));
            Assert.That(target.ContainsKey("Content-Length"), Is.False);
            Assert.That(target.ContainsKey("Connection"), Is.False);
            Assert.That(target.ContainsKey("Transfer-Encoding"), Is.False);
            Assert.That(target.ContainsKey("Upgrade"), Is.False);
        }
    }

    [TestCase("Connection", "close")]
    [TestCase("Keep-Alive", "timeout=5, max=100")]
    [TestCase("Proxy-Connection", "keep-alive")]
    [TestCase("Proxy-Authenticate", "Basic realm=\"upstream\"")]
    [TestCase("Proxy-Authorization", "Basic YTpi")]
    [TestCase("TE", "trailers")]
    [TestCase("Trailer", "Expires")]
    [TestCase("Transfer-Encoding", "chunked")]
    [TestCase("Upgrade", "h2c")]
    public void CopyResponseHeaders_EachConnectionLevelHeader_IsDropped_TheOthersKept(string name, string value)
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
        response.Headers.TryAddWithoutValidation(name, value);
        response.Headers.TryAddWithoutValidation("x-request-id", "req_1");
        var target = new HeaderDictionary();

        ProxyHeaders.CopyResponseHeaders(response, target);

        Assert.That(target.Keys, Is.EqualTo(new[] { "x-request-id" }).IgnoreCase);
    }

    [TestCase("sk-iron-0123456789abcdef")]
    [TestCase("é")]
    [TestCase("\u4e2d\u6587-token")]
    public void TryCompute_IsTheSha256OfTheUtf8Bytes(string token)
    {
        bool ok = TokenDigest.TryCompute(token, out TokenDigest digest);

        Assert.That(ok, Is.True);
        Assert.That(digest, Is.EqualTo(TokenDigest.FromHash(SHA256.HashData(Encoding.UTF8.GetBytes(token)))));
        Assert.That(digest.Equals((object)TokenDigest.FromHash(SHA256.HashData(Encoding.UTF8.GetBytes(token)))), Is.True);
        Assert.That(digest.Equals((object)token), Is.False);
    }

    [Test]
    public void TryCompute_EmptyOrLongerThan256Characters_IsNoToken()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(TokenDigest.TryCompute("", out _), Is.False);
            Assert.That(TokenDigest.TryCompute(new string('a', 257), out _), Is.False);
            Assert.That(TokenDigest.TryCompute(new string('a', 256), out _), Is.True);
        }
    }

    [Test]
    public void TryCompute_256CharactersOfThreeUtf8BytesEach_IsHashedWhole()
    {
        string token = new('\u4e2d', 256);
        string other = new string('\u4e2d', 255) + '\u6587';

        Assert.That(TokenDigest.TryCompute(token, out TokenDigest digest), Is.True);
        Assert.That(TokenDigest.TryCompute(other, out TokenDigest otherDigest), Is.True);
        Assert.That(digest, Is.EqualTo(TokenDigest.FromHash(SHA256.HashData(Encoding.UTF8.GetBytes(token)))));
        Assert.That(digest, Is.Not.EqualTo(otherDigest), "the last character counts");
    }
}
