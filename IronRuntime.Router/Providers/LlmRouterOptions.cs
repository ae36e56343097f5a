using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace IronRuntime.Router;

/// <summary>Options of the LLM router: provider endpoints and request limits.</summary>
public sealed class LlmRouterOptions
{
    /// <summary>The public OpenAI endpoint.</summary>
    public static readonly Uri DefaultOpenAIBaseUrl = new("https://api.openai.com/");

    /// <summary>The public Anthropic endpoint.</summary>
    public static readonly Uri DefaultAnthropicBaseUrl = new("https://api.anthropic.com/");

    /// <summary>OpenAI endpoint and key.</summary>
    public ProviderEndpointOptions OpenAI { get; set; } = new();

    /// <summary>Anthropic endpoint and key.</summary>
    public ProviderEndpointOptions Anthropic { get; set; } = new();

    /// <summary>
    /// The provider routes forwarded (default <see cref="LlmRoutes.All"/>); a request for any other route gets 404 in
    /// the provider's error shape and never reaches a provider.
    /// </summary>
    public LlmRoutes AllowedRoutes { get; set; } = LlmRoutes.All;

    /// <summary>Largest request body accepted, in bytes (default 32 MiB). Larger bodies get 413.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxRequestBodyBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Largest non-streaming response body read, in bytes (default 64 MiB). Larger answers fail with 502.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxResponseBodyBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Largest single server-sent event accepted from a provider, in bytes (default 16 MiB).</summary>
    [Range(1024, int.MaxValue)]
    public int MaxStreamEventBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Upper bound of the prompt tokens one image part may cost (default 1,600), used for worst-case reservations.</summary>
    [Range(0, int.MaxValue)]
    public int ImageTokenBound { get; set; } = 1_600;

    /// <summary>Upper bound of the prompt tokens one file or document part may cost (default 100,000).</summary>
    [Range(0, int.MaxValue)]
    public int FileTokenBound { get; set; } = 100_000;

    /// <summary>
    /// Most calls in flight at once through the router, in process and from the proxy together; beyond it a new call
    /// gets 503 with <c>Retry-After</c> (<c>iron_runtime_overloaded</c>) while the open ones go on. A stream counts until
    /// it ends. Null (the default): no limit but the proxy's open-file capacity.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int? MaxConcurrentCalls { get; set; }

    /// <summary>Most calls in flight at once for one caller (agent); beyond it, the same 503. Null (the default): no limit.</summary>
    [Range(1, int.MaxValue)]
    public int? MaxConcurrentCallsPerCaller { get; set; }

    /// <summary>
    /// Answer every call from a built-in simulated provider (deterministic replies, realistic usage, no network)
    /// instead of the real providers. For development, demos and CI.
    /// </summary>
    public bool UseSimulatedProvider { get; set; }

    /// <summary>The loopback proxy through which child-process agents reach the router.</summary>
    [ValidateObjectMembers]
    public LlmProxyOptions Proxy { get; set; } = new();
}
