using System.Diagnostics;

namespace IronRuntime.Router.Telemetry;

/// <summary>
/// Traces of LLM calls: one <see cref="Activity"/> per call from the <c>IronRuntime</c> source, created only when
/// someone listens, tagged with the OpenTelemetry GenAI semantic conventions.
/// </summary>
internal static class RouterActivity
{
    /// <summary>The name of the runtime's <see cref="ActivitySource"/> and <c>Meter</c>.</summary>
    public const string SourceName = LlmTelemetry.SourceName;

    private static readonly ActivitySource Source = new(SourceName, typeof(RouterActivity).Assembly.GetName().Version?.ToString());

    /// <summary>Starts the activity of <paramref name="call"/>, or returns null when nobody listens.</summary>
    public static Activity? Start(LlmCall call)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        string operation = OperationName(call.Api);
        var activity = Source.StartActivity(operation + " " + call.Model, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("gen_ai.operation.name", operation);
            activity.SetTag("gen_ai.provider.name", ProviderName(call.Provider));
            activity.SetTag("gen_ai.request.model", call.Model);
            if (call.RequestedMaxOutputTokens is { } max)
            {
                activity.SetTag("gen_ai.request.max_tokens", max);
            }

            if (call.CallerId is { } caller)
            {
                activity.SetTag("ironruntime.agent.id", caller);
            }

            activity.SetTag("ironruntime.stream", call.IsStreaming);
        }

        return activity;
    }

    /// <summary>Records the end of the call on its activity and stops it.</summary>
    public static void Stop(Activity activity, LlmCall call)
    {
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("gen_ai.usage.input_tokens", call.Usage.InputTokens);
            activity.SetTag("gen_ai.usage.output_tokens", call.Usage.OutputTokens);
            if (call.UsageEstimated)
            {
                activity.SetTag("ironruntime.usage.estimated", true);
            }

            if (call.ResponseModel is { } model)
            {
                activity.SetTag("gen_ai.response.model", model);
            }

            if (call.ImposedMaxOutputTokens is { } imposed)
            {
                activity.SetTag("ironruntime.max_tokens_imposed", imposed);
            }

            activity.SetTag("http.response.status_code", call.StatusCode);
            activity.SetTag("ironruntime.outcome", call.Outcome.ToString());
        }

        if (call.Outcome != LlmCallOutcome.Succeeded)
        {
            activity.SetStatus(ActivityStatusCode.Error, call.Outcome.ToString());
            activity.SetTag("error.type", call.Outcome == LlmCallOutcome.ProviderError ? call.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : call.Outcome.ToString());
        }

        activity.Stop();
    }

    /// <inheritdoc cref="LlmTelemetry.OperationName"/>
    public static string OperationName(LlmApi api) => LlmTelemetry.OperationName(api);

    /// <inheritdoc cref="LlmTelemetry.ProviderName"/>
    public static string ProviderName(LlmProvider provider) => LlmTelemetry.ProviderName(provider);
}
