using System.ClientModel;
using System.ClientModel.Primitives;
using Anthropic;
using IronRuntime.Router;
using Microsoft.Extensions.AI;
using OpenAI;

namespace IronRuntime.ChatClients.Internal;

/// <summary>
/// Builds the <see cref="IChatClient"/>s handed to agents: the official SDKs' M.E.AI clients (OpenAI through
/// Microsoft.Extensions.AI.OpenAI, Anthropic through the Anthropic SDK's own <c>AsIChatClient</c>) over the agent's
/// governed <see cref="HttpClient"/>, so the router prices, meters and limits every call on the wire as for any other
/// SDK call. The SDKs get a placeholder key (the router injects the real one) and no retries of their own (the router's
/// resilience stage retries before the first byte).
/// </summary>
internal static class GovernedChatClientFactory
{
    /// <summary>The key the SDKs send; the router replaces it with the configured one.</summary>
    private const string PlaceholderKey = "ironruntime-governed";

    private static readonly Uri OpenAIEndpoint = new("https://api.openai.com/v1");

    private const string AnthropicBaseUrl = "https://api.anthropic.com";

    /// <summary>Creates the client of <paramref name="model"/> for <paramref name="agentId"/> over <paramref name="httpClient"/>.</summary>
    public static IChatClient Create(HttpClient httpClient, string agentId, string model, LlmProvider provider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (provider == LlmProvider.Unknown)
        {
            provider = ProviderOf(model);
        }

        string upstreamModel = StripPrefix(model);
        IChatClient inner = provider == LlmProvider.Anthropic
            ? new AnthropicClient { ApiKey = PlaceholderKey, BaseUrl = AnthropicBaseUrl, HttpClient = httpClient, MaxRetries = 0 }.AsIChatClient(upstreamModel)
            : new OpenAI.Chat.ChatClient(upstreamModel, new ApiKeyCredential(PlaceholderKey), new OpenAIClientOptions
            {
                Endpoint = OpenAIEndpoint,
                Transport = new HttpClientPipelineTransport(httpClient),
                RetryPolicy = new ClientRetryPolicy(0),
            }).AsIChatClient();
        return new WireGovernedChatClient(inner, agentId);
    }

    /// <summary>Anthropic for <c>claude-</c> and <c>anthropic/</c> models, OpenAI otherwise (the router's own rule).</summary>
    public static LlmProvider ProviderOf(string model) =>
        model.StartsWith("claude-", StringComparison.OrdinalIgnoreCase) || model.StartsWith("anthropic/", StringComparison.OrdinalIgnoreCase)
            ? LlmProvider.Anthropic
            : LlmProvider.OpenAI;

    private static string StripPrefix(string model)
    {
        int slash = model.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && (model.StartsWith("openai/", StringComparison.OrdinalIgnoreCase) || model.StartsWith("anthropic/", StringComparison.OrdinalIgnoreCase))
            ? model[(slash + 1)..]
            : model;
    }
}
