namespace IronRuntime.Router.Providers;

/// <summary>Finds the provider API of a route and the provider of a model name.</summary>
internal static class ProviderDetector
{
    /// <summary>The route after normalisation, relative to the provider's base address.</summary>
    public static LlmApi DetectApi(HttpMethod method, ReadOnlySpan<char> path, out string upstreamPath, out bool passThrough)
    {
        passThrough = false;
        path = path.TrimEnd('/');
        if (method == HttpMethod.Post)
        {
            if (path.EndsWith("/chat/completions", StringComparison.Ordinal))
            {
                upstreamPath = "v1/chat/completions";
                return LlmApi.ChatCompletions;
            }

            if (path.EndsWith("/responses", StringComparison.Ordinal))
            {
                upstreamPath = "v1/responses";
                return LlmApi.Responses;
            }

            if (path.EndsWith("/embeddings", StringComparison.Ordinal))
            {
                upstreamPath = "v1/embeddings";
                return LlmApi.Embeddings;
            }

            if (path.EndsWith("/messages", StringComparison.Ordinal))
            {
                upstreamPath = "v1/messages";
                return LlmApi.Messages;
            }

            if (path.EndsWith("/messages/count_tokens", StringComparison.Ordinal))
            {
                upstreamPath = "v1/messages/count_tokens";
                passThrough = true;
                return LlmApi.Unknown;
            }
        }
        else if (method == HttpMethod.Get)
        {
            int models = path.LastIndexOf("/models", StringComparison.Ordinal);
            if (models >= 0)
            {
                upstreamPath = "v1" + path[models..].ToString();
                passThrough = true;
                return LlmApi.Unknown;
            }
        }

        upstreamPath = string.Empty;
        return LlmApi.Unknown;
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
