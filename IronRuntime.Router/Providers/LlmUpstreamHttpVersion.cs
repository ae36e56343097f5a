namespace IronRuntime.Router;

/// <summary>The HTTP version the router speaks to a provider (<see cref="ProviderEndpointOptions.HttpVersion"/>).</summary>
public enum LlmUpstreamHttpVersion
{
    /// <summary>
    /// HTTP/2 over <c>https</c> when the provider offers it during the TLS handshake (ALPN; the OpenAI and Anthropic APIs
    /// do), HTTP/1.1 otherwise; HTTP/1.1 over plain <c>http</c>. The default.
    /// </summary>
    Auto,

    /// <summary>HTTP/1.1 only: one connection (and one file descriptor) per call in flight.</summary>
    Http11,

    /// <summary>
    /// HTTP/2 only: over <c>https</c> the provider must choose it in the TLS handshake; over plain <c>http</c> the router
    /// speaks HTTP/2 from the first byte ("prior knowledge", for a local gateway that serves h2c). Many calls share one
    /// connection, so thousands of open streams hold a few dozen descriptors and connection buffers instead of one each.
    /// </summary>
    Http2,
}
