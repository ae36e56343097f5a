using IronRuntime.Router.Proxy;
using Microsoft.AspNetCore.Http;

namespace IronRuntime.Tests.Proxy;

/// <summary>
/// The proxy never forwards the agent's credentials: checked at the proxy's own copy, below which the router's key
/// injection would otherwise hide a leak (it overwrites the same headers when a key is configured).
/// </summary>
public sealed class ProxyHeadersTests
{
    [Test]
    public void CopyRequestHeaders_AgentCredentials_AreNeverCopied()
    {
        var source = new HeaderDictionary
        {
            ["Authorization"] = "Bearer sk-iron-agent-token",
            ["x-api-key"] = "sk-iron-agent-token",
            ["api-key"] = "sk-iron-agent-token",
            ["anthropic-version"] = "2023-06-01",
            ["OpenAI-Beta"] = "assistants=v2",
            ["Content-Type"] = "application/json",
            ["Accept-Encoding"] = "gzip",
            ["Host"] = "127.0.0.1:5000",
            ["Connection"] = "keep-alive",
        };
        using var message = new HttpRequestMessage(HttpMethod.Post, "http://example.invalid/v1/messages") { Content = new ByteArrayContent([]) };

        ProxyHeaders.CopyRequestHeaders(source, message);

        var names = message.Headers.Select(h => h.Key).Concat(message.Content.Headers.Select(h => h.Key)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(names, Has.None.EqualTo("Authorization").IgnoreCase);
            Assert.That(names, Has.None.EqualTo("x-api-key").IgnoreCase);
            Assert.That(names, Has.None.EqualTo("api-key").IgnoreCase);
            Assert.That(names, Has.None.EqualTo("Accept-Encoding").IgnoreCase);
            Assert.That(names, Has.None.EqualTo("Host").IgnoreCase);
            Assert.That(names, Has.None.EqualTo("Connection").IgnoreCase);
            Assert.That(message.Headers.Authorization, Is.Null);
            Assert.That(message.Headers.GetValues("anthropic-version"), Is.EqualTo(new[] { "2023-06-01" }));
            Assert.That(message.Headers.GetValues("OpenAI-Beta"), Is.EqualTo(new[] { "assistants=v2" }));
            Assert.That(message.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        });
    }

    [TestCase("authorization")]
    [TestCase("X-API-KEY")]
    [TestCase("Api-Key")]
    public void CopyRequestHeaders_CredentialNameInAnyCase_IsNotCopied(string name)
    {
        var source = new HeaderDictionary { [name] = "sk-iron-agent-token" };
        using var message = new HttpRequestMessage(HttpMethod.Post, "http://example.invalid/v1/chat/completions");

        ProxyHeaders.CopyRequestHeaders(source, message);

        Assert.That(message.Headers, Is.Empty);
    }

    /// <summary>
    /// The router sends a proxied request on as it is (it owns it, see <c>UpstreamRequest.Create</c>) instead of
    /// copying it without the headers it never forwards: so the proxy must drop at least those.
    /// </summary>
    [Test]
    public void DroppedRequestHeaders_CoverEveryHeaderTheRouterNeverForwards()
    {
        Assert.That(IronRuntime.Router.Pipeline.UpstreamRequest.Dropped.Where(name => !ProxyHeaders.DroppedRequestHeaders.Contains(name)), Is.Empty);
    }
}
