namespace IronRuntime.Router.Providers;

/// <summary>Finds the provider API of a route and the provider of a model name.</summary>
internal static class ProviderDetector
{
    /// <summary>The API of a route and its path relative to the provider's base address.</summary>
    /// <param name="method">The request's method.</param>
    /// <param name="path">The decoded path (see <see cref="RoutePath"/>); any prefix before the route is ignored.</param>
    /// <param name="upstreamPath">The route relative to the provider's base, for example <c>v1/chat/completions</c>.</param>
    /// <param name="passThrough">Whether the route is forwarded without metering (models, count_tokens).</param>
    public static LlmApi DetectApi(HttpMethod method, ReadOnlySpan<char> path, out string upstreamPath, out bool passThrough)
        => DetectApi(method, path, out upstreamPath, out passThrough, out _);

    /// <summary>As above, also naming the <see cref="LlmRoutes"/> flag of the route (<see cref="LlmRoutes.None"/> when unknown).</summary>
    public static LlmApi DetectApi(HttpMethod method, ReadOnlySpan<char> path, out string upstreamPath, out bool passThrough, out LlmRoutes route)
    {
        passThrough = false;
        path = path.TrimEnd('/');
        if (method == HttpMethod.Post)
        {
            if (path.EndsWith("/chat/completions", StringComparison.Ordinal))
            {
                upstreamPath = "v1/chat/completions";
                route = LlmRoutes.ChatCompletions;
                return LlmApi.ChatCompletions;
            }

            if (path.EndsWith("/responses", StringComparison.Ordinal))
            {
                upstreamPath = "v1/responses";
                route = LlmRoutes.Responses;
                return LlmApi.Responses;
            }

            if (path.EndsWith("/embeddings", StringComparison.Ordinal))
            {
                upstreamPath = "v1/embeddings";
                route = LlmRoutes.Embeddings;
                return LlmApi.Embeddings;
            }

            if (path.EndsWith("/messages", StringComparison.Ordinal))
            {
                upstreamPath = "v1/messages";
                route = LlmRoutes.Messages;
                return LlmApi.Messages;
            }

            if (path.EndsWith("/messages/count_tokens", StringComparison.Ordinal))
            {
                upstreamPath = "v1/messages/count_tokens";
                passThrough = true;
                route = LlmRoutes.CountTokens;
                return LlmApi.Unknown;
            }
        }
        else if (method == HttpMethod.Get)
        {
            if (path.EndsWith("/models", StringComparison.Ordinal))
            {
                upstreamPath = "v1/models";
                passThrough = true;
                route = LlmRoutes.Models;
                return LlmApi.Unknown;
            }

            int slash = path.LastIndexOf('/');
            if (slash > 0 && path[..slash].EndsWith("/models", StringComparison.Ordinal) && IsModelId(path[(slash + 1)..]))
            {
                upstreamPath = "v1/models/" + path[(slash + 1)..].ToString();
                passThrough = true;
                route = LlmRoutes.Models;
                return LlmApi.Unknown;
            }
        }

        upstreamPath = string.Empty;
        route = LlmRoutes.None;
        return LlmApi.Unknown;
    }

    /// <summary>A model id as a path segment: letters, digits, <c>. _ : -</c>, not only dots.</summary>
    private static bool IsModelId(ReadOnlySpan<char> segment)
    {
        if (segment.IsEmpty || segment.Length > 256 || !segment.ContainsAnyExcept('.'))
        {
            return false;
        }

        foreach (char c in segment)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or ':' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The provider named by an explicit <c>openai/</c> or <c>anthropic/</c> prefix (removed from
    /// <paramref name="upstreamModel"/>) or implied by the model family; <see cref="LlmProvider.Unknown"/> otherwise.
    /// </summary>
    public static LlmProvider DetectByModel(string model, out string upstreamModel)
    {
        upstreamModel = model;
        if (model.StartsWith("openai/", StringComparison.OrdinalIgnoreCase))
        {
            upstreamModel = model["openai/".Length..];
            return LlmProvider.OpenAI;
        }

        if (model.StartsWith("anthropic/", StringComparison.OrdinalIgnoreCase))
        {
            upstreamModel = model["anthropic/".Length..];
            return LlmProvider.Anthropic;
        }

        if (model.StartsWith("claude-", StringComparison.OrdinalIgnoreCase))
        {
            return LlmProvider.Anthropic;
        }

        if (model.StartsWith("gpt-", StringComparison.OrdinalIgnoreCase)
            || model.StartsWith("chatgpt-", StringComparison.OrdinalIgnoreCase)
            || model.StartsWith("text-embedding-", StringComparison.OrdinalIgnoreCase)
            || model.StartsWith("ft:", StringComparison.OrdinalIgnoreCase)
            || IsOSeries(model))
        {
            return LlmProvider.OpenAI;
        }

        return LlmProvider.Unknown;
    }

    /// <summary>The provider a route belongs to when the model does not say.</summary>
    public static LlmProvider DefaultFor(LlmApi api) => api == LlmApi.Messages ? LlmProvider.Anthropic : LlmProvider.OpenAI;

    private static bool IsOSeries(string model)
        => model.Length >= 2 && (model[0] is 'o' or 'O') && model[1] is '1' or '3' or '4'
           && (model.Length == 2 || model[2] == '-');
}
