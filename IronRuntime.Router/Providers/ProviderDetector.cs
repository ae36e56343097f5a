using IronRuntime.Router.Wire;

namespace IronRuntime.Router.Providers;

/// <summary>Finds the provider API of a route and the provider of a model name.</summary>
internal static class ProviderDetector
{
    /// <summary>The POST routes, each API's path from its wire module; count_tokens is forwarded without metering.</summary>
    private static readonly PostRoute[] PostRoutes =
    [
        new(ChatCompletionsWire.Route, LlmRoutes.ChatCompletions, LlmApi.ChatCompletions),
        new(ResponsesWire.Route, LlmRoutes.Responses, LlmApi.Responses),
        new(EmbeddingsWire.Route, LlmRoutes.Embeddings, LlmApi.Embeddings),
        new(MessagesWire.Route, LlmRoutes.Messages, LlmApi.Messages),
        new(MessagesWire.CountTokensRoute, LlmRoutes.CountTokens, LlmApi.Unknown),
    ];

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
            foreach (PostRoute candidate in PostRoutes)
            {
                if (path.EndsWith(candidate.Suffix, StringComparison.Ordinal))
                {
                    upstreamPath = candidate.UpstreamPath;
                    passThrough = candidate.Api == LlmApi.Unknown;
                    route = candidate.Route;
                    return candidate.Api;
                }
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

    /// <summary>A POST route: the path relative to the provider's base (<c>v1/…</c>) and what it is.</summary>
    private sealed record PostRoute(string UpstreamPath, LlmRoutes Route, LlmApi Api)
    {
        /// <summary>The path's end that identifies the route whatever prefix comes before it.</summary>
        public string Suffix { get; } = UpstreamPath[2..];
    }
}
