namespace IronRuntime.ChatClients;

/// <summary>
/// A chat call refused because the provider's circuit breaker is open after repeated failures (what the router answers
/// with 503, <c>Retry-After</c> and <c>iron_runtime_provider_unavailable</c>); nothing was sent and nothing charged.
/// </summary>
public sealed class ProviderUnavailableException : IronRuntimeCallRefusedException
{
    /// <summary>The error type.</summary>
    public const string Type = "iron_runtime_provider_unavailable";

    /// <summary>The error code.</summary>
    public const string Code = "provider_unavailable";

    /// <summary>Creates the exception.</summary>
    public ProviderUnavailableException()
        : this("The provider is unavailable.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public ProviderUnavailableException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ProviderUnavailableException(string message, Exception? innerException)
        : base(message, 503, Type, Code, innerException)
    {
    }

    /// <summary>The provider (as its chat client names it, e.g. <c>ollama</c>).</summary>
    public string? Provider { get; init; }

    /// <summary>When to try again (whole seconds, at least one, as in <c>Retry-After</c>).</summary>
    public TimeSpan RetryAfter { get; init; }
}
