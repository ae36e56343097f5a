using IronRuntime.Router.Internal;
using IronRuntime.Router.Telemetry;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Router.Pipeline;

/// <summary>Ends calls exactly once: outcome and duration, then the gate's lease, then the observers.</summary>
internal sealed class LlmCallCompleter : ILlmCallCompletion
{
    private readonly ILlmCallObserver[] _observers;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public LlmCallCompleter(IEnumerable<ILlmCallObserver> observers, TimeProvider timeProvider, ILogger logger)
    {
        _observers = observers.ToArray();
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public void Complete(LlmCall call, LlmCallOutcome outcome)
    {
        if (!call.TryMarkCompleted())
        {
            return;
        }

        call.Outcome = outcome;
        call.Duration = _timeProvider.GetElapsedTime(call.StartTimestamp);
        call.AdmissionSlot?.Dispose();
        EstimateMissingUsage(call);
        try
        {
            call.Lease?.Complete(call);
        }
        catch (Exception ex)
        {
            RouterLog.CompletionHookFailed(_logger, ex, call.CallerId);
        }

        foreach (var observer in _observers)
        {
            try
            {
                observer.OnCallCompleted(call);
            }
            catch (Exception ex)
            {
                RouterLog.CompletionHookFailed(_logger, ex, call.CallerId);
            }
        }

        if (call.Activity is { } activity)
        {
            RouterActivity.Stop(activity, call);
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            RouterLog.CallCompleted(_logger, call.CallerId, call.Provider, call.Api, call.Model, outcome, call.StatusCode,
                call.Usage.InputTokens, call.Usage.OutputTokens, call.Duration.TotalMilliseconds);
        }
    }

    /// <summary>
    /// A provider that answered bills the call even when its usage never arrived: the prompt is charged at its
    /// token count when no usage carried it (an OpenAI stream's usage comes last), the output at what was counted
    /// from the events forwarded, and every earlier attempt cut after its headers at its prompt.
    /// </summary>
    private static void EstimateMissingUsage(LlmCall call)
    {
        if (call.Api == LlmApi.Unknown)
        {
            return;
        }

        bool unreported = call.ProviderAnswered && !call.UsageReported;
        if (!unreported && call.UnreportedAnswers == 0)
        {
            return;
        }

        long prompt = call.EstimatedPromptTokens;
        var usage = call.Usage;
        long input = usage.InputTokens;
        if (unreported && input == 0)
        {
            input = prompt;
        }

        input += call.UnreportedAnswers * prompt;
        call.Usage = usage with { InputTokens = input };
        call.UsageEstimated = true;
    }
}
