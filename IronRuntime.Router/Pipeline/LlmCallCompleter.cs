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
        ChargeChatWebSearch(call);
        ChargeCodeExecution(call);
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
    /// token count when no usage carried it (an OpenAI stream's usage comes last), the output at the tokens of the
    /// text forwarded (a stream) or received (a body cut after its headers), capped at what the request lets the
    /// provider generate, and every earlier attempt cut after its headers at its prompt and the output it carried.
    /// A reasoning model's answer (<see cref="Usage.HiddenReasoning"/>) is charged the whole output limit in force:
    /// its hidden reasoning was billed but never seen.
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
        long output = usage.OutputTokens;
        long hidden = 0;
        if (unreported)
        {
            input = input == 0 ? prompt : input;
            output = call.CapOutputTokens(output);
            if (Usage.HiddenReasoning.May(call.Api, call.Model) && call.EffectiveMaxOutputTokens is not null)
            {
                // A reasoning model also billed reasoning tokens it never streamed: charge the output limit in force
                // (what was reserved), the most it can have generated, so the estimate never falls short.
                long most = call.CapOutputTokens(long.MaxValue);
                hidden = Math.Max(0, most - output);
                output += hidden;
            }
        }

        input += call.UnreportedAnswers * prompt;
        output += call.UnreportedOutputTokens;
        call.Usage = usage with { InputTokens = input, OutputTokens = output, ReasoningTokens = usage.ReasoningTokens + hidden };
        call.UsageEstimated = true;
    }

    /// <summary>
    /// Chat Completions' web search (<c>web_search_options</c>, on the search models) runs once for every answered
    /// request and is billed per request, but the usage object does not say so: one use is added.
    /// </summary>
    private static void ChargeChatWebSearch(LlmCall call)
    {
        if (call.Api != LlmApi.ChatCompletions || !call.ProviderAnswered || call.Usage.ServerToolUses != 0)
        {
            return;
        }

        foreach (var tool in call.Billing.ServerTools)
        {
            if (tool.Type == "web_search_options")
            {
                call.Usage = call.Usage with { ServerToolUses = 1 };
                return;
            }
        }
    }

    /// <summary>
    /// Anthropic bills code execution by container time, which its usage does not report: every answered Messages
    /// call that offers the tool counts one <c>code_execution</c> use, priced by the gate (docs/budgets.md).
    /// </summary>
    private static void ChargeCodeExecution(LlmCall call)
    {
        if (call.Api != LlmApi.Messages || !call.ProviderAnswered || call.Billing.ServerTools.Count == 0)
        {
            return;
        }

        foreach (var tool in call.Billing.ServerTools)
        {
            if (tool.Type.StartsWith("code_execution", StringComparison.Ordinal))
            {
                var uses = call.Usage.ToolUses is { } reported ? new Dictionary<string, long>(reported, StringComparer.Ordinal) : new Dictionary<string, long>(StringComparer.Ordinal);
                uses["code_execution"] = 1;
                call.Usage = call.Usage with { ToolUses = uses };
                return;
            }
        }
    }
}
