using System.Diagnostics;
using IronRuntime.ChatClients.Internal;
using IronRuntime.Router;

namespace IronRuntime.Telemetry;

/// <summary>
/// Spans and metrics of the chat calls the <c>UseIronRuntime()</c> middleware governs, by the OpenTelemetry GenAI
/// semantic conventions and on the same <c>IronRuntime</c> source and meter as the router's wire-level calls.
/// </summary>
internal sealed class ChatTelemetry(GenAiInstruments instruments, RuntimeGauges gauges)
{
    private static readonly ActivitySource Source = new(GenAiInstruments.MeterName, typeof(ChatTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Starts the span of a chat call, or returns null when nobody listens.</summary>
    public static Activity? Start(string provider, string model, string? agentId, long? maxOutputTokens, bool streaming)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity("chat " + model, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("gen_ai.operation.name", "chat");
            activity.SetTag("gen_ai.provider.name", provider);
            activity.SetTag("gen_ai.request.model", model);
            if (maxOutputTokens is { } max)
            {
                activity.SetTag("gen_ai.request.max_tokens", max);
            }

            if (agentId is not null)
            {
                activity.SetTag("ironruntime.agent.id", agentId);
            }

            activity.SetTag("ironruntime.stream", streaming);
            activity.SetTag("ironruntime.governed_by", "chat_client");
        }

        return activity;
    }

    /// <summary>Ends the span of a call refused or failed before it was admitted.</summary>
    public static void Fail(Activity? activity, Exception ex)
    {
        if (activity is null)
        {
            return;
        }

        string type = ex is ChatClients.IronRuntimeCallRefusedException refused ? refused.ErrorType : ex.GetType().FullName ?? ex.GetType().Name;
        activity.SetTag("error.type", type);
        activity.SetStatus(ActivityStatusCode.Error, ex.Message);
        activity.Stop();
    }

    /// <summary>Ends the span of an admitted call with its usage, and records its metrics.</summary>
    public void CallEnded(ChatAdmission admission, TokenUsage usage, bool estimated, decimal cost, TimeSpan duration, string? responseModel, string? errorType)
    {
        gauges.Track(admission.AgentId);
        var provider = new KeyValuePair<string, object?>("gen_ai.provider.name", admission.Provider);
        var model = new KeyValuePair<string, object?>("gen_ai.request.model", admission.Model);
        var operation = new KeyValuePair<string, object?>("gen_ai.operation.name", "chat");
        instruments.Calls.Add(1, provider, model, new KeyValuePair<string, object?>("ironruntime.outcome", errorType is null ? "Succeeded" : "Failed"),
            new KeyValuePair<string, object?>("ironruntime.usage.estimated", estimated));
        if (errorType is null)
        {
            instruments.Duration.Record(duration.TotalSeconds, provider, model, operation);
        }
        else
        {
            instruments.Duration.Record(duration.TotalSeconds, provider, model, operation, new KeyValuePair<string, object?>("error.type", errorType));
        }

        if (!usage.IsEmpty)
        {
            instruments.Tokens.Record(usage.InputTokens, provider, model, operation, new KeyValuePair<string, object?>("gen_ai.token.type", "input"));
            instruments.Tokens.Record(usage.OutputTokens, provider, model, operation, new KeyValuePair<string, object?>("gen_ai.token.type", "output"));
        }

        if (cost > 0m && instruments.Cost.Enabled)
        {
            instruments.Cost.Add((double)cost, provider, model);
        }

        if (admission.Activity is { } activity)
        {
            if (activity.IsAllDataRequested)
            {
                activity.SetTag("gen_ai.usage.input_tokens", usage.InputTokens);
                activity.SetTag("gen_ai.usage.output_tokens", usage.OutputTokens);
                if (responseModel is not null)
                {
                    activity.SetTag("gen_ai.response.model", responseModel);
                }

                if (estimated)
                {
                    activity.SetTag("ironruntime.usage.estimated", true);
                }

                if (admission.ImposedMaxOutputTokens is { } imposed)
                {
                    activity.SetTag("ironruntime.max_tokens_imposed", imposed);
                }
            }

            if (errorType is not null)
            {
                activity.SetTag("error.type", errorType);
                activity.SetStatus(ActivityStatusCode.Error, errorType);
            }

            activity.Stop();
        }
    }

    /// <summary>Counts a budget denial of the middleware.</summary>
    public void BudgetDenied(string? agentId, string provider, string model)
    {
        gauges.Track(agentId);
        instruments.BudgetDenials.Add(1, new KeyValuePair<string, object?>("gen_ai.provider.name", provider),
            new KeyValuePair<string, object?>("gen_ai.request.model", model), new KeyValuePair<string, object?>("ironruntime.agent.id", agentId));
    }
}
