using System.Net;

namespace IronRuntime.Router;

/// <summary>The answer of an <see cref="ILlmRequestGate"/>.</summary>
public readonly struct LlmGateDecision
{
    /// <summary>Whether the call may go ahead.</summary>
    public bool IsAllowed { get; private init; }

    /// <summary>What the gate holds for the call; completed by the router when the call ends.</summary>
    public ILlmCallLease? Lease { get; private init; }

    /// <summary>For a request that set no output limit: the limit the gate imposes, or <see langword="null"/>.</summary>
    public long? MaxOutputTokens { get; private init; }

    /// <summary>The HTTP status of a denial.</summary>
    public HttpStatusCode StatusCode { get; private init; }

    /// <summary>The error <c>type</c> of a denial, for example <c>iron_runtime_budget_exceeded</c>.</summary>
    public string? ErrorType { get; private init; }

    /// <summary>The error <c>code</c> of a denial, for example <c>budget_exceeded</c>.</summary>
    public string? ErrorCode { get; private init; }

    /// <summary>The human-readable reason of a denial.</summary>
    public string? Message { get; private init; }

    /// <summary>The request member a denial is about (OpenAI's error <c>param</c>), or <see langword="null"/>.</summary>
    public string? Param { get; private init; }

    /// <summary>For a denial the client may retry: when, sent as the <c>Retry-After</c> header; otherwise <see langword="null"/>.</summary>
    public TimeSpan? RetryAfter { get; private init; }

    /// <summary>The same denial, telling the client when to retry (the <c>Retry-After</c> header, whole seconds, at least 1).</summary>
    /// <param name="retryAfter">When the client may retry.</param>
    /// <returns>The decision with <see cref="RetryAfter"/> set.</returns>
    public LlmGateDecision WithRetryAfter(TimeSpan retryAfter) => this with { RetryAfter = retryAfter };

    /// <summary>The error <c>type</c> of the denial in Anthropic's shape when it differs from <see cref="ErrorType"/> (rate limits).</summary>
    internal string? AnthropicErrorType { get; private init; }

    /// <summary>
    /// Denies the call for a rate limit: 429 with <c>Retry-After</c>, in OpenAI's shape
    /// <c>{"error":{"message","type":<paramref name="limit"/>,"param":null,"code":"rate_limit_exceeded"}}</c> or Anthropic's
    /// <c>{"type":"error","error":{"type":"rate_limit_error","message"}}</c>, as the route speaks.
    /// </summary>
    /// <param name="limit">The limit that binds: <c>requests</c> or <c>tokens</c> (OpenAI's error type).</param>
    /// <param name="message">The reason, shown to the agent.</param>
    /// <param name="retryAfter">When a retry can be admitted; null when no retry of the same call can.</param>
    /// <returns>The decision.</returns>
    public static LlmGateDecision RateLimited(string limit, string message, TimeSpan? retryAfter)
        => new()
        {
            StatusCode = HttpStatusCode.TooManyRequests,
            ErrorType = limit,
            ErrorCode = "rate_limit_exceeded",
            Message = message,
            AnthropicErrorType = "rate_limit_error",
            RetryAfter = retryAfter,
        };

    /// <summary>Admits the call.</summary>
    /// <param name="lease">What the gate holds until the call ends, if anything.</param>
    /// <param name="maxOutputTokens">An output limit to impose when the request set none.</param>
    /// <returns>The decision.</returns>
    public static LlmGateDecision Allow(ILlmCallLease? lease = null, long? maxOutputTokens = null)
        => new() { IsAllowed = true, Lease = lease, MaxOutputTokens = maxOutputTokens, StatusCode = HttpStatusCode.OK };

    /// <summary>Denies the call; the client receives a provider-shaped error.</summary>
    /// <param name="status">The HTTP status, for example 402.</param>
    /// <param name="errorType">The error type.</param>
    /// <param name="errorCode">The error code.</param>
    /// <param name="message">The reason, shown to the agent.</param>
    /// <returns>The decision.</returns>
    public static LlmGateDecision Deny(HttpStatusCode status, string errorType, string errorCode, string message)
        => new() { StatusCode = status, ErrorType = errorType, ErrorCode = errorCode, Message = message };

    /// <summary>Denies the call because of one request member; the client receives a provider-shaped error naming it.</summary>
    /// <param name="status">The HTTP status, for example 400.</param>
    /// <param name="errorType">The error type.</param>
    /// <param name="errorCode">The error code.</param>
    /// <param name="message">The reason, shown to the agent.</param>
    /// <param name="param">The member at fault, such as <c>tools[0].max_uses</c>.</param>
    /// <returns>The decision.</returns>
    public static LlmGateDecision Deny(HttpStatusCode status, string errorType, string errorCode, string message, string param)
        => Deny(status, errorType, errorCode, message) with { Param = param };
}
