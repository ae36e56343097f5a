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

    // Routes from the providers' API references: POST https://api.openai.com/v1/chat/completions, /v1/responses,
    // /v1/embeddings; POST https://api.anthropic.com/v1/messages.
    [TestCase(IronRuntime.Router.LlmApi.ChatCompletions, "v1/chat/completions")]
    [TestCase(IronRuntime.Router.LlmApi.Responses, "v1/responses")]
    [TestCase(IronRuntime.Router.LlmApi.Embeddings, "v1/embeddings")]
    [TestCase(IronRuntime.Router.LlmApi.Messages, "v1/messages")]
    public void RouteOf_EachRoutedApi_IsItsDocumentedPath(IronRuntime.Router.LlmApi api, string route)
        => Assert.That(ProviderUpstream.RouteOf(api), Is.EqualTo(route));

    [Test]
    public void RouteOf_AnApiThatIsNotRouted_ThrowsSayingSo()
        => Assert.That(() => ProviderUpstream.RouteOf(IronRuntime.Router.LlmApi.Unknown),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("api").And.Message.StartsWith("Not a routed API."));

    [Test]
    public void NormalizeBaseAndHttpVersionFor_NullBase_ThrowArgumentNull()
    {
        Assert.That(() => ProviderUpstream.NormalizeBase(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("uri"));
        Assert.That(() => ProviderUpstream.HttpVersionFor(IronRuntime.Router.LlmUpstreamHttpVersion.Http2, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("baseUri"));
    }

    // The agent's own credential (its proxy token) never reaches a provider, under whichever header it came.
    [TestCase(IronRuntime.Router.LlmProvider.OpenAI, IronRuntime.Router.LlmApi.ChatCompletions)]
    [TestCase(IronRuntime.Router.LlmProvider.OpenAI, IronRuntime.Router.LlmApi.Responses)]
    [TestCase(IronRuntime.Router.LlmProvider.Anthropic, IronRuntime.Router.LlmApi.ChatCompletions)]
    public void InjectCredentials_OpenAIStyle_OnlyTheRealKeyAsBearer(IronRuntime.Router.LlmProvider provider, IronRuntime.Router.LlmApi api)
    {
        using var request = AgentRequest();

        ProviderUpstream.InjectCredentials(request.Headers, provider, api, "sk-real");

        Assert.That(Names(request), Is.EquivalentTo(new[] { "Authorization" }));
        Assert.That(request.Headers.GetValues("Authorization"), Is.EqualTo(new[] { "Bearer sk-real" }));
    }

    [Test]
    public void InjectCredentials_AnthropicMessages_OnlyTheRealKeyAsXApiKey_WithTheDefaultVersion()
    {
        using var request = AgentRequest();

        ProviderUpstream.InjectCredentials(request.Headers, IronRuntime.Router.LlmProvider.Anthropic, IronRuntime.Router.LlmApi.Messages, "sk-ant-real");

        // Anthropic's API reference: x-api-key and anthropic-version (2023-06-01) on every request.
        Assert.That(Names(request), Is.EquivalentTo(new[] { "x-api-key", "anthropic-version" }));
        Assert.That(request.Headers.GetValues("x-api-key"), Is.EqualTo(new[] { "sk-ant-real" }));
        Assert.That(request.Headers.GetValues("anthropic-version"), Is.EqualTo(new[] { "2023-06-01" }));
    }

    [Test]
    public void InjectCredentials_AnthropicWithTheClientsVersion_KeepsIt()
    {
        using var request = AgentRequest();
        request.Headers.TryAddWithoutValidation("anthropic-version", "2023-01-01");

        ProviderUpstream.InjectCredentials(request.Headers, IronRuntime.Router.LlmProvider.Anthropic, IronRuntime.Router.LlmApi.Messages, "sk-ant-real");

        Assert.That(request.Headers.GetValues("anthropic-version"), Is.EqualTo(new[] { "2023-01-01" }));
    }

    [TestCase(IronRuntime.Router.LlmProvider.OpenAI, IronRuntime.Router.LlmApi.ChatCompletions, null)]
    [TestCase(IronRuntime.Router.LlmProvider.OpenAI, IronRuntime.Router.LlmApi.ChatCompletions, "")]
    [TestCase(IronRuntime.Router.LlmProvider.Anthropic, IronRuntime.Router.LlmApi.Messages, null)]
    public void InjectCredentials_NoKey_SendsNoCredentialAtAll(IronRuntime.Router.LlmProvider provider, IronRuntime.Router.LlmApi api, string? key)
    {
        using var request = AgentRequest();

        ProviderUpstream.InjectCredentials(request.Headers, provider, api, key);

        Assert.That(Names(request).Where(n => n is "Authorization" or "x-api-key" or "api-key"), Is.Empty);
    }

    [Test]
    public void InjectCredentials_TwoKeysInTurn_EachCallGetsItsOwn()
    {
        using var first = AgentRequest();
        using var second = AgentRequest();
        using var third = AgentRequest();

        ProviderUpstream.InjectCredentials(first.Headers, IronRuntime.Router.LlmProvider.OpenAI, IronRuntime.Router.LlmApi.ChatCompletions, "sk-one");
        ProviderUpstream.InjectCredentials(second.Headers, IronRuntime.Router.LlmProvider.OpenAI, IronRuntime.Router.LlmApi.ChatCompletions, "sk-two");
        ProviderUpstream.InjectCredentials(third.Headers, IronRuntime.Router.LlmProvider.OpenAI, IronRuntime.Router.LlmApi.ChatCompletions, "sk-one");

        Assert.That(new[] { first, second, third }.Select(r => r.Headers.Authorization?.ToString()), Is.EqualTo(new[] { "Bearer sk-one", "Bearer sk-two", "Bearer sk-one" }));
    }

    private static HttpRequestMessage AgentRequest()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "https://api.example.com/v1/chat/completions");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer sk-iron-agent-token");
        request.Headers.TryAddWithoutValidation("x-api-key", "sk-iron-agent-token");
        request.Headers.TryAddWithoutValidation("api-key", "sk-iron-agent-token");
        return request;
    }

    private static string[] Names(HttpRequestMessage request) => [.. request.Headers.Select(h => h.Key)];
}
