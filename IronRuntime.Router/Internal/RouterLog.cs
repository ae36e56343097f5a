using Microsoft.Extensions.Logging;

namespace IronRuntime.Router.Internal;

/// <summary>The router's log messages; event ids 1000-1099.</summary>
internal static partial class RouterLog
{
    [LoggerMessage(1000, LogLevel.Debug, "LLM call by {Caller} to {Provider} {Api} model {Model} ended {Outcome} with status {Status}: {InputTokens} input and {OutputTokens} output tokens in {DurationMs} ms.")]
    public static partial void CallCompleted(ILogger logger, string? caller, LlmProvider provider, LlmApi api, string model, LlmCallOutcome outcome, int status, long inputTokens, long outputTokens, double durationMs);

    [LoggerMessage(1001, LogLevel.Information, "LLM call by {Caller} to model {Model} was denied ({Status} {ErrorType}): {Reason}")]
    public static partial void CallDenied(ILogger logger, string? caller, string model, int status, string? errorType, string? reason);

    [LoggerMessage(1002, LogLevel.Information, "LLM request by {Caller} to {Path} was rejected with {Status}: {Reason}")]
    public static partial void RequestRejected(ILogger logger, string? caller, string? path, int status, string reason);

    [LoggerMessage(1003, LogLevel.Warning, "LLM call by {Caller} to {Provider} failed: {Reason}")]
    public static partial void CallFailed(ILogger logger, Exception? exception, string? caller, LlmProvider provider, string reason);

    [LoggerMessage(1004, LogLevel.Error, "A call lease or observer threw while completing the call by {Caller}.")]
    public static partial void CompletionHookFailed(ILogger logger, Exception exception, string? caller);

    [LoggerMessage(1005, LogLevel.Information, "LLM call by {Caller} to model {Model} failed fast: endpoint {Endpoint} is unavailable for {RetryAfterSeconds} s (circuit open).")]
    public static partial void CallUnavailable(ILogger logger, string? caller, string model, string endpoint, double retryAfterSeconds);

    [LoggerMessage(1006, LogLevel.Debug, "LLM call by {Caller} refused with 503: the {Scope} limit of {Limit} concurrent calls is reached.")]
    public static partial void CallOverloaded(ILogger logger, string? caller, string scope, int limit);

    [LoggerMessage(1060, LogLevel.Debug, "LLM call by {Caller} (streaming: {Streaming}) refused with 503: calls hold {InUse} of the {Limit} file descriptors they may use.")]
    public static partial void CallOutOfDescriptors(ILogger logger, string? caller, bool streaming, long inUse, long limit);

    [LoggerMessage(1019, LogLevel.Information, "LLM call by {Caller} to {Provider} was refused with 401: IronRuntime has no API key for endpoint {Endpoint}; nothing was sent.")]
    public static partial void CallWithoutKey(ILogger logger, string? caller, LlmProvider provider, string endpoint);

    [LoggerMessage(1010, LogLevel.Information, "IronRuntime proxy listening on {Address}.")]
    public static partial void ProxyStarted(ILogger logger, Uri address);

    [LoggerMessage(1011, LogLevel.Information, "IronRuntime proxy on {Address} stopped.")]
    public static partial void ProxyStopped(ILogger logger, Uri address);

    [LoggerMessage(1012, LogLevel.Information, "Proxy request {Method} {Path} rejected with 401: missing or unknown agent token.")]
    public static partial void ProxyUnauthorized(ILogger logger, string method, string? path);

    [LoggerMessage(1013, LogLevel.Warning, "Proxy call by {Caller} to {Path} failed before an answer.")]
    public static partial void ProxyCallFailed(ILogger logger, Exception exception, string? caller, string? path);

    [LoggerMessage(1014, LogLevel.Warning, "Proxy answer to {Caller} for {Path} broke off; the agent's connection was aborted.")]
    public static partial void ProxyResponseAborted(ILogger logger, Exception exception, string? caller, string? path);

    [LoggerMessage(1015, LogLevel.Information, "Open-file limit (RLIMIT_NOFILE) raised from {Soft} to the hard limit {Hard}.")]
    public static partial void DescriptorLimitRaised(ILogger logger, ulong soft, ulong hard);

    [LoggerMessage(1016, LogLevel.Information, "IronRuntime proxy serves at most {Streams} concurrent calls and {Connections} connections: {Descriptors} open files allowed, two per proxied call, {Reserve} kept for the host.")]
    public static partial void ProxyCapacity(ILogger logger, int streams, int connections, long descriptors, int reserve);

    [LoggerMessage(1017, LogLevel.Warning, "IronRuntime proxy is at its capacity of {Streams} concurrent calls (open-file limit); new calls get 503 until some end.")]
    public static partial void ProxyAtCapacity(ILogger logger, int streams);

    [LoggerMessage(1018, LogLevel.Warning, "Proxy call by {Caller} to {Path} could not reach the provider: the process has no file descriptor left; answered 503.")]
    public static partial void ProxyOutOfDescriptors(ILogger logger, Exception exception, string? caller, string? path);
}
