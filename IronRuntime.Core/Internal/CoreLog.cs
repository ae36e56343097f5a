using Microsoft.Extensions.Logging;

namespace IronRuntime.Internal;

/// <summary>The runtime's log messages; event ids 2000-2999.</summary>
internal static partial class CoreLog
{
    [LoggerMessage(2000, LogLevel.Warning, "Agent {AgentId} called model {Model}, which has no known price; it is tracked in tokens only.")]
    public static partial void UnpricedModel(ILogger logger, string? agentId, string model);

    [LoggerMessage(2001, LogLevel.Warning, "Budget alert: {Scope} crossed {ThresholdPercent}% of its ${Limit} limit (spent ${Spent}).")]
    public static partial void BudgetThreshold(ILogger logger, string scope, decimal thresholdPercent, decimal limit, decimal spent);

    [LoggerMessage(2002, LogLevel.Information, "Agent {AgentId} ({Name}) started.")]
    public static partial void AgentStarted(ILogger logger, string agentId, string name);

    [LoggerMessage(2003, LogLevel.Information, "Agent {AgentId} ended with status {Status} (exit code {ExitCode}).")]
    public static partial void AgentEnded(ILogger logger, string agentId, Agents.AgentStatus status, int? exitCode);

    [LoggerMessage(2004, LogLevel.Error, "Agent {AgentId} failed.")]
    public static partial void AgentFailed(ILogger logger, Exception exception, string agentId);

    [LoggerMessage(2005, LogLevel.Information, "LLM call by {AgentId}: {Provider} {Model} {Outcome} {Status}, {InputTokens} in / {OutputTokens} out tokens, ${Cost} in {DurationMs} ms.")]
    public static partial void CallSummary(ILogger logger, string? agentId, Router.LlmProvider provider, string model, Router.LlmCallOutcome outcome, int status, long inputTokens, long outputTokens, decimal cost, double durationMs);

    [LoggerMessage(2006, LogLevel.Warning, "Agent {AgentId} did not stop within {TimeoutMs} ms of being asked; it was abandoned.")]
    public static partial void AgentStopTimedOut(ILogger logger, string agentId, double timeoutMs);

    [LoggerMessage(2007, LogLevel.Warning, "The state store's queue is full: {Dropped} call records have been dropped so far.")]
    public static partial void StateRecordsDropped(ILogger logger, long dropped);

    [LoggerMessage(2008, LogLevel.Error, "Writing {Count} call records to the state store failed.")]
    public static partial void StateWriteFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(2040, LogLevel.Warning, "A background checkpoint of the state store's write-ahead log failed; it is retried after the next commits.")]
    public static partial void StateCheckpointFailed(ILogger logger, Exception exception);

    [LoggerMessage(2009, LogLevel.Information, "Restored ${Total} of recorded spend and the metrics of {Requests} calls ({Unsettled} unsettled at a crash, charged their reservation) from the state store ({Agents} agents).")]
    public static partial void StateRestored(ILogger logger, decimal total, int agents, long requests, long unsettled);

    [LoggerMessage(2010, LogLevel.Information, "Agent {AgentId} ({Name}) started as process {ProcessId}: {Program}.")]
    public static partial void AgentProcessStarted(ILogger logger, string agentId, string name, int processId, string program);

    [LoggerMessage(2011, LogLevel.Debug, "Agent {AgentId} {Stream}: {Line}")]
    public static partial void AgentOutput(ILogger logger, string agentId, string stream, string line);

    [LoggerMessage(2012, LogLevel.Warning, "Agent {AgentId} did not exit within {TimeoutMs} ms of being asked to stop; its process tree was killed.")]
    public static partial void AgentKilled(ILogger logger, string agentId, double timeoutMs);

    [LoggerMessage(2013, LogLevel.Warning, "Agent {AgentId} was denied a call for budget; stopping it as its options ask.")]
    public static partial void AgentBudgetStop(ILogger logger, string agentId);

    [LoggerMessage(2014, LogLevel.Error, "Stopping agent {AgentId} failed.")]
    public static partial void AgentStopFailed(ILogger logger, Exception exception, string agentId);

    [LoggerMessage(2015, LogLevel.Error, "A handler of the AgentStatusChanged event threw for agent {AgentId}.")]
    public static partial void StatusHandlerFailed(ILogger logger, Exception exception, string agentId);

    [LoggerMessage(2017, LogLevel.Warning, "No API key for {Provider}: its calls are refused with 401 and never sent. Set {Variable} or {Setting}, or call UseSimulatedProvider().")]
    public static partial void ProviderKeyMissing(ILogger logger, Router.LlmProvider provider, string variable, string setting);

    [LoggerMessage(2016, LogLevel.Warning, "Agent {AgentId} failed: its code threw {ExceptionType}: {Reason}")]
    public static partial void AgentThrew(ILogger logger, Exception exception, string agentId, string exceptionType, string reason);

    [LoggerMessage(2019, LogLevel.Information, "Process agents: the host process is now {What}.")]
    public static partial void HostHardened(ILogger logger, string what);

    [LoggerMessage(2020, LogLevel.Warning, "Process agents: prctl({Option}) failed with errno {Errno}; the host is not hardened that way.")]
    public static partial void HostHardeningFailed(ILogger logger, string option, int errno);

    [LoggerMessage(2021, LogLevel.Warning, "Agent {AgentId}: processes it started were still alive after being killed repeatedly.")]
    public static partial void AgentProcessesSurvived(ILogger logger, string agentId);

    [LoggerMessage(2030, LogLevel.Error, "The state store could not make a call's reservation durable; the call was refused.")]
    public static partial void DurableReservationFailed(ILogger logger, Exception exception);
}
