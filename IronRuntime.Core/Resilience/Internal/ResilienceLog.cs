using IronRuntime.Router;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Resilience.Internal;

/// <summary>The resilience subsystem's log messages; event ids 4000-4999 (4004, 4005 and 4007: the router's upstream stage, <c>UpstreamLog</c>).</summary>
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

    [LoggerMessage(4006, LogLevel.Error, "A ProviderStateChanged handler threw.")]
    public static partial void StateHandlerFailed(ILogger logger, Exception exception);
}
