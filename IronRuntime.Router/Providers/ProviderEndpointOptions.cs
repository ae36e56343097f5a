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
}
