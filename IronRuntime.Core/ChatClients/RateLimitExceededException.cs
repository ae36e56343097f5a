namespace IronRuntime.ChatClients;

/// <summary>
/// A chat call refused by a rate limit (what the router answers with 429 and <c>Retry-After</c>): nothing was sent,
/// reserved or charged. <see cref="IronRuntimeCallRefusedException.ErrorType"/> is the limit that binds,
/// <c>requests</c> or <c>tokens</c>; the code is <c>rate_limit_exceeded</c>.
/// </summary>
public sealed class RateLimitExceededException : IronRuntimeCallRefusedException
{
    /// <summary>The error code.</summary>
    public const string Code = "rate_limit_exceeded";

    /// <summary>Creates the exception.</summary>
    public RateLimitExceededException()
        : this("IronRuntime rate limit reached.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public RateLimitExceededException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public RateLimitExceededException(string message, Exception? innerException)
        : this(message, "requests", innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="limit">The limit that binds: <c>requests</c> or <c>tokens</c>.</param>
    /// <param name="innerException">The cause.</param>
    public RateLimitExceededException(string message, string limit, Exception? innerException = null)
        : base(message, 429, limit, Code, innerException)
    {
    }

    /// <summary>When a retry can be admitted; null when no retry of the same call can (more tokens than a minute holds).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The agent whose limit binds, or null for the global one.</summary>
    public string? AgentId { get; init; }
}
