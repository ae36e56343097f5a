using System.Net.Http.Headers;

namespace IronRuntime.Router.Providers;

/// <summary>How a request is pointed at one provider endpoint: its base address and the real credential.</summary>
internal static class ProviderUpstream
{
    /// <summary>The <c>anthropic-version</c> sent when the client sent none.</summary>
    public const string AnthropicVersion = "2023-06-01";

    /// <summary>Replaces whatever credential the agent sent with the real <paramref name="key"/>, as the provider expects it on <paramref name="api"/>.</summary>
    /// <param name="headers">The request's headers.</param>
    /// <param name="provider">The provider the request goes to.</param>
    /// <param name="api">The API the request speaks.</param>
    /// <param name="key">The real key, or null to send none.</param>
    public static void InjectCredentials(HttpRequestHeaders headers, LlmProvider provider, LlmApi api, string? key)
    {
        headers.Authorization = null;
        headers.Remove("x-api-key");
        headers.Remove("api-key");
        if (provider == LlmProvider.Anthropic && api != LlmApi.ChatCompletions)
        {
            if (!string.IsNullOrEmpty(key))
            {
                headers.TryAddWithoutValidation("x-api-key", key);
            }

            if (!headers.Contains("anthropic-version"))
            {
                headers.TryAddWithoutValidation("anthropic-version", AnthropicVersion);
            }
        }
        else if (!string.IsNullOrEmpty(key))
        {
            // OpenAI, and Anthropic's OpenAI-compatible Chat Completions endpoint.
            headers.TryAddWithoutValidation("Authorization", Bearer(key));
        }
    }

    /// <summary>The last <c>Bearer</c> value made: the keys are fixed per endpoint, so the value is made once, not per call.</summary>
    private static BearerValue? s_lastBearer;

    private static string Bearer(string key)
    {
        var last = Volatile.Read(ref s_lastBearer);
        // Stryker disable once Block : the cache hit; without it the same value is made again
        if (last is not null && ReferenceEquals(last.Key, key))
        {
            return last.Value;
        }

        var made = new BearerValue(key, "Bearer " + key);
        // Stryker disable once Statement : a cache only; without it the same value is made again on the next call
        Volatile.Write(ref s_lastBearer, made);
        return made.Value;
    }

    private sealed record BearerValue(string Key, string Value);

    /// <summary>The base the routes are appended to: a trailing slash, and any <c>/v1</c> suffix removed (routes carry it).</summary>
    /// <param name="uri">The configured base address.</param>
    /// <returns>The normalised base.</returns>
    public static Uri NormalizeBase(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        string text = uri.AbsoluteUri.TrimEnd('/');
        if (text.EndsWith("/v1", StringComparison.OrdinalIgnoreCase))
        {
            text = text[..^3];
        }

        return new Uri(text + "/");
    }

    /// <summary>The version and version policy of requests to <paramref name="baseUri"/> under <paramref name="choice"/>.</summary>
    /// <param name="choice">The configured choice.</param>
    /// <param name="baseUri">The provider's base address (its scheme decides <see cref="LlmUpstreamHttpVersion.Auto"/>).</param>
    /// <returns>What to set on each upstream request.</returns>
    public static (Version Version, HttpVersionPolicy Policy) HttpVersionFor(LlmUpstreamHttpVersion choice, Uri baseUri)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        return choice switch
        {
            // Over TLS the version is negotiated (ALPN), falling back to HTTP/1.1; plain http cannot negotiate it.
            LlmUpstreamHttpVersion.Auto when baseUri.Scheme == Uri.UriSchemeHttps => (System.Net.HttpVersion.Version20, HttpVersionPolicy.RequestVersionOrLower),
            LlmUpstreamHttpVersion.Http2 => (System.Net.HttpVersion.Version20, HttpVersionPolicy.RequestVersionExact),
            _ => (System.Net.HttpVersion.Version11, HttpVersionPolicy.RequestVersionExact),
        };
    }

    /// <summary>The route of <paramref name="api"/>, relative to a normalised base.</summary>
    /// <param name="api">A known API.</param>
    /// <returns>For example <c>v1/chat/completions</c>.</returns>
    public static string RouteOf(LlmApi api) => api switch
    {
        LlmApi.ChatCompletions => "v1/chat/completions",
        LlmApi.Responses => "v1/responses",
        LlmApi.Embeddings => "v1/embeddings",
        LlmApi.Messages => "v1/messages",
        _ => throw new ArgumentOutOfRangeException(nameof(api), api, "Not a routed API."),
    };
}
