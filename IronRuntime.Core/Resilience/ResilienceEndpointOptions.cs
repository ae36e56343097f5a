using IronRuntime.Router;

namespace IronRuntime.Resilience;

/// <summary>A named provider endpoint besides the built-in ones, for failover.</summary>
public sealed class ResilienceEndpointOptions
{
    /// <summary>The provider whose API the endpoint speaks.</summary>
    public LlmProvider Provider { get; set; }

    /// <summary>The endpoint's base address, up to but excluding <c>/v1/...</c>.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The real key for the endpoint; null uses the provider's key from <c>Router</c>.</summary>
    public string? ApiKey { get; set; }
}
