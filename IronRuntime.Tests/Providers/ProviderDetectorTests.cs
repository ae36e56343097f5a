using IronRuntime.Router;
using IronRuntime.Router.Providers;

namespace IronRuntime.Tests.Providers;

public class ProviderDetectorTests
{
    [TestCase("/v1/chat/completions", LlmApi.ChatCompletions, "v1/chat/completions")]
    [TestCase("/chat/completions", LlmApi.ChatCompletions, "v1/chat/completions")]
    [TestCase("/openai/v1/chat/completions/", LlmApi.ChatCompletions, "v1/chat/completions")]
    [TestCase("/v1/responses", LlmApi.Responses, "v1/responses")]
    [TestCase("/v1/embeddings", LlmApi.Embeddings, "v1/embeddings")]
    [TestCase("/v1/messages", LlmApi.Messages, "v1/messages")]
    [TestCase("/v1/images/generations", LlmApi.Unknown, "")]
    public void DetectApi_Post_MapsRoute(string path, LlmApi expected, string upstream)
    {
        var api = ProviderDetector.DetectApi(HttpMethod.Post, path, out var upstreamPath, out _);
        Assert.That((api, upstreamPath), Is.EqualTo((expected, upstream)));
    }

    [Test]
    public void DetectApi_GetModels_IsPassThrough()
    {
        var api = ProviderDetector.DetectApi(HttpMethod.Get, "/v1/models", out var upstreamPath, out bool passThrough);
        Assert.That((api, upstreamPath, passThrough), Is.EqualTo((LlmApi.Unknown, "v1/models", true)));
    }

    [TestCase("gpt-4o", LlmProvider.OpenAI, "gpt-4o")]
    [TestCase("o1", LlmProvider.OpenAI, "o1")]
    [TestCase("o3-mini", LlmProvider.OpenAI, "o3-mini")]
    [TestCase("o4-mini-2025-04-16", LlmProvider.OpenAI, "o4-mini-2025-04-16")]
    [TestCase("chatgpt-4o-latest", LlmProvider.OpenAI, "chatgpt-4o-latest")]
    [TestCase("claude-sonnet-4-5", LlmProvider.Anthropic, "claude-sonnet-4-5")]
    [TestCase("openai/gpt-4o-mini", LlmProvider.OpenAI, "gpt-4o-mini")]
    [TestCase("anthropic/claude-haiku-4-5", LlmProvider.Anthropic, "claude-haiku-4-5")]
    [TestCase("omni-model", LlmProvider.Unknown, "omni-model")]
    [TestCase("llama-3", LlmProvider.Unknown, "llama-3")]
    public void DetectByModel_MapsFamilyAndStripsPrefix(string model, LlmProvider expected, string upstream)
    {
        var provider = ProviderDetector.DetectByModel(model, out var upstreamModel);
        Assert.That((provider, upstreamModel), Is.EqualTo((expected, upstream)));
    }
}
