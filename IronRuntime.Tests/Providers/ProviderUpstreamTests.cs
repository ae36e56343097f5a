using IronRuntime.Router.Providers;

namespace IronRuntime.Tests.Providers;

/// <summary>Configured base URLs: a trailing <c>/v1</c> is accepted (the routes carry it).</summary>
public sealed class ProviderUpstreamTests
{
    [TestCase("http://127.0.0.1:5000", "http://127.0.0.1:5000/")]
    [TestCase("http://127.0.0.1:5000/", "http://127.0.0.1:5000/")]
    [TestCase("http://127.0.0.1:5000/v1", "http://127.0.0.1:5000/")]
    [TestCase("http://127.0.0.1:5000/v1/", "http://127.0.0.1:5000/")]
    [TestCase("https://gateway.example.com/openai/v1", "https://gateway.example.com/openai/")]
    [TestCase("https://gateway.example.com/V1", "https://gateway.example.com/")]
    [TestCase("https://gateway.example.com/v10", "https://gateway.example.com/v10/")]
    public void NormalizeBase_StripsOneTrailingV1(string configured, string expected)
        => Assert.That(ProviderUpstream.NormalizeBase(new Uri(configured)).AbsoluteUri, Is.EqualTo(expected));

    [TestCase("http://127.0.0.1:5000/v1")]
    [TestCase("http://127.0.0.1:5000")]
    public void NormalizeBase_RouteAppended_HasOneV1(string configured)
    {
        var url = new Uri(ProviderUpstream.NormalizeBase(new Uri(configured)), ProviderUpstream.RouteOf(IronRuntime.Router.LlmApi.ChatCompletions));

        Assert.That(url.AbsoluteUri, Is.EqualTo("http://127.0.0.1:5000/v1/chat/completions"));
    }

    // From the option's documentation: Auto negotiates HTTP/2 over TLS only; Http2 over plain http is h2c (prior knowledge).
    [TestCase(IronRuntime.Router.LlmUpstreamHttpVersion.Auto, "https://api.openai.com/", "2.0", HttpVersionPolicy.RequestVersionOrLower)]
    [TestCase(IronRuntime.Router.LlmUpstreamHttpVersion.Auto, "http://127.0.0.1:8080/", "1.1", HttpVersionPolicy.RequestVersionExact)]
    [TestCase(IronRuntime.Router.LlmUpstreamHttpVersion.Http11, "https://api.openai.com/", "1.1", HttpVersionPolicy.RequestVersionExact)]
    [TestCase(IronRuntime.Router.LlmUpstreamHttpVersion.Http2, "http://127.0.0.1:8080/", "2.0", HttpVersionPolicy.RequestVersionExact)]
    [TestCase(IronRuntime.Router.LlmUpstreamHttpVersion.Http2, "https://api.anthropic.com/", "2.0", HttpVersionPolicy.RequestVersionExact)]
    public void HttpVersionFor_ChoiceAndScheme_GivesVersionAndPolicy(IronRuntime.Router.LlmUpstreamHttpVersion choice, string baseUri, string version, HttpVersionPolicy policy)
    {
        var (v, p) = ProviderUpstream.HttpVersionFor(choice, new Uri(baseUri));
        Assert.That((v.ToString(), p), Is.EqualTo((version, policy)));
    }
}
