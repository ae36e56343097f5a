using Microsoft.Extensions.Logging;

namespace IronRuntime.Router.Upstream;

/// <summary>The provider hop's log messages (category <c>IronRuntime.Resilience</c>); event ids 4004, 4005 and 4007 of the resilience range.</summary>
internal static partial class UpstreamLog
{
    [LoggerMessage(4004, LogLevel.Warning, "LLM call by {Caller} failed over from endpoint {From} to {To} (model {Model}) after {Reason}.")]
    public static partial void FailingOver(ILogger logger, string? caller, string from, string to, string model, string reason);

    [LoggerMessage(4005, LogLevel.Warning, "LLM call by {Caller} to endpoint {Endpoint} failed after {Attempts} attempts: {Reason}")]
    public static partial void EndpointFailed(ILogger logger, string? caller, string endpoint, int attempts, string reason);

    [LoggerMessage(4007, LogLevel.Warning, "LLM call by {Caller} exceeded its time limit of {TimeoutSeconds} s before the provider answered.")]
    public static partial void CallTimedOut(ILogger logger, string? caller, double timeoutSeconds);
}
