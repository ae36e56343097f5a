namespace IronRuntime.Router;

/// <summary>Where one provider lives and the real key the runtime injects into calls to it.</summary>
public sealed class ProviderEndpointOptions
{
    /// <summary>
    /// The provider's base address, up to but excluding the <c>/v1/...</c> route,
    /// for example <c>https://api.openai.com/</c>. Null means the provider's public endpoint.
    /// </summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>
    /// The real API key. Agents never see it: the router replaces whatever credential an agent sends.
    /// When null the runtime reads <c>OPENAI_API_KEY</c> or <c>ANTHROPIC_API_KEY</c> from its own environment
    /// at start-up; when still null, calls are forwarded without a key.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The HTTP version spoken to the provider (default <see cref="LlmUpstreamHttpVersion.Auto"/>: HTTP/2 over
    /// <c>https</c> when the provider offers it, else HTTP/1.1). Over HTTP/2, calls in flight share connections, so
    /// thousands of open streams cost a few connections rather than one each.
    /// </summary>
    public LlmUpstreamHttpVersion HttpVersion { get; set; }
}
