namespace IronRuntime.Router;

/// <summary>
/// The provider routes the router forwards (<see cref="LlmRouterOptions.AllowedRoutes"/>): an explicit allow-list.
/// A request for any other route is answered 404 in the provider's error shape and never leaves the process.
/// </summary>
[Flags]
public enum LlmRoutes
{
    /// <summary>No route.</summary>
    None = 0,

    /// <summary>OpenAI <c>POST /v1/chat/completions</c> (also Anthropic's OpenAI-compatible endpoint).</summary>
    ChatCompletions = 1,

    /// <summary>OpenAI <c>POST /v1/responses</c>.</summary>
    Responses = 2,

    /// <summary>OpenAI <c>POST /v1/embeddings</c>.</summary>
    Embeddings = 4,

    /// <summary>Anthropic <c>POST /v1/messages</c>.</summary>
    Messages = 8,

    /// <summary>Anthropic <c>POST /v1/messages/count_tokens</c> (forwarded, not metered: it costs nothing).</summary>
    CountTokens = 16,

    /// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{model}</c> (one path segment of letters, digits and <c>. _ : -</c>).</summary>
    Models = 32,

    /// <summary>Every route above (the default).</summary>
    All = ChatCompletions | Responses | Embeddings | Messages | CountTokens | Models,
}
