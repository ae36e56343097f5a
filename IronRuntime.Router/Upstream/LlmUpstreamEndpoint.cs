using IronRuntime.Router.Providers;
using Polly;

namespace IronRuntime.Router;

/// <summary>
/// A provider endpoint a call may be sent to: where it is, its real key, and what a policy keeps about it — whether it
/// takes calls now and the Polly pipeline (for example circuit breaker → retry) around each send.
/// </summary>
/// <remarks>Subclassed by an <see cref="ILlmUpstreamPolicy"/>; the router only reads it.</remarks>
public abstract class LlmUpstreamEndpoint
{
    private readonly Dictionary<LlmApi, Uri> _routes;

    /// <summary>Creates an endpoint.</summary>
    /// <param name="name">The endpoint's name, for example <c>openai</c> (errors and logs name it).</param>
    /// <param name="provider">The provider whose API it speaks.</param>
    /// <param name="baseUrl">Its base address (a trailing <c>/v1</c> is accepted).</param>
    /// <param name="apiKey">The real key, or null.</param>
    protected LlmUpstreamEndpoint(string name, LlmProvider provider, Uri baseUrl, string? apiKey)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(baseUrl);
        Name = name;
        Provider = provider;
        BaseUri = ProviderUpstream.NormalizeBase(baseUrl);
        ApiKey = apiKey;
        _routes = Enum.GetValues<LlmApi>().Where(static a => a != LlmApi.Unknown).ToDictionary(static a => a, a => new Uri(BaseUri, ProviderUpstream.RouteOf(a)));
    }

    /// <summary>The endpoint's name.</summary>
    public string Name { get; }

    /// <summary>The provider whose API it speaks.</summary>
    public LlmProvider Provider { get; }

    /// <summary>The normalised base address.</summary>
    public Uri BaseUri { get; }

    /// <summary>The real key, or null.</summary>
    public string? ApiKey { get; }

    /// <summary>Whether a key is configured.</summary>
    public bool HasKey => !string.IsNullOrEmpty(ApiKey);

    /// <summary>The pipeline around one send to this endpoint (its attempts and retries); each attempt's first-byte limit is the router's.</summary>
    public abstract ResiliencePipeline<HttpResponseMessage> Pipeline { get; }

    /// <summary>Whether a call may be sent now; otherwise how long until it may.</summary>
    /// <param name="retryAfter">When false: the time left until the endpoint takes calls again.</param>
    /// <returns>True when the endpoint takes calls now.</returns>
    public abstract bool IsAvailable(out TimeSpan retryAfter);

    /// <summary>The address of <paramref name="api"/>'s route on this endpoint.</summary>
    /// <param name="api">A routed API.</param>
    /// <returns>The absolute address.</returns>
    public Uri UriFor(LlmApi api) => _routes[api];
}
