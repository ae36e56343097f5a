using IronRuntime.Router;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Resilience.Internal;

/// <summary>The resilience subsystem's log messages; event ids 4000-4999.</summary>
internal static partial class ResilienceLog
{
    [LoggerMessage(4000, LogLevel.Warning, "Circuit for {Provider} endpoint {Endpoint} opened for {BreakSeconds} s after {Reason}; calls to it fail fast.")]
    public static partial void CircuitOpened(ILogger logger, LlmProvider provider, string endpoint, double breakSeconds, string reason);

    [LoggerMessage(4001, LogLevel.Information, "Circuit for {Provider} endpoint {Endpoint} is half-open: one probe call goes through.")]
    public static partial void CircuitHalfOpened(ILogger logger, LlmProvider provider, string endpoint);

    [LoggerMessage(4002, LogLevel.Information, "Circuit for {Provider} endpoint {Endpoint} closed: the endpoint answers again.")]
    public static partial void CircuitClosed(ILogger logger, LlmProvider provider, string endpoint);

    [LoggerMessage(4003, LogLevel.Information, "Retrying a call to endpoint {Endpoint} (retry {Retry}) in {DelayMs} ms after {Reason}.")]
    public static partial void Retrying(ILogger logger, string endpoint, int retry, double delayMs, string reason);

    [LoggerMessage(4004, LogLevel.Warning, "LLM call by {Caller} failed over from endpoint {From} to {To} (model {Model}) after {Reason}.")]
    public static partial void FailingOver(ILogger logger, string? caller, string from, string to, string model, string reason);

    [LoggerMessage(4005, LogLevel.Warning, "LLM call by {Caller} to endpoint {Endpoint} failed after {Attempts} attempts: {Reason}")]
    public static partial void EndpointFailed(ILogger logger, string? caller, string endpoint, int attempts, string reason);

    [LoggerMessage(4006, LogLevel.Error, "A ProviderStateChanged handler threw.")]
    public static partial void StateHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(4007, LogLevel.Warning, "LLM call by {Caller} exceeded its time limit of {TimeoutSeconds} s before the provider answered.")]
    public static partial void CallTimedOut(ILogger logger, string? caller, double timeoutSeconds);
}
