namespace IronRuntime.Router;

/// <summary>How an <see cref="LlmCall"/> ended.</summary>
public enum LlmCallOutcome
{
    /// <summary>Not ended yet.</summary>
    Pending = 0,

    /// <summary>The provider answered successfully and the whole answer reached the client.</summary>
    Succeeded = 1,

    /// <summary>The provider answered with an error status.</summary>
    ProviderError = 2,

    /// <summary>The router refused the call before sending it (bad request, unknown provider).</summary>
    Rejected = 3,

    /// <summary>A request gate (for example a budget) denied the call.</summary>
    Denied = 4,

    /// <summary>The call failed in transport or the stream ended before it was complete.</summary>
    Failed = 5,

    /// <summary>The client cancelled or stopped reading before the end.</summary>
    Cancelled = 6,

    /// <summary>No provider endpoint could take the call (its circuit breakers were open); it was not sent.</summary>
    Unavailable = 7,

    /// <summary>The router refused the call because too many were in flight (a concurrency limit, or the process's open-file limit); it was not sent.</summary>
    Overloaded = 8,
}
