using System.Net;
using System.Net.Http.Headers;
using IronRuntime.Router.Errors;
using IronRuntime.Router.Internal;
using IronRuntime.Router.Pipeline;
using IronRuntime.Router.Providers;
using IronRuntime.Router.Requests;
using IronRuntime.Router.Streaming;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace IronRuntime.Router.Upstream;

/// <summary>
/// Step 8 of the chain (<see cref="LlmRouter"/>), above the primary handler, only with an <see cref="ILlmUpstreamPolicy"/>:
/// sends a call to the targets its route names, in order — each through its endpoint's pipeline — inside the policy's
/// <see cref="ILlmUpstreamPolicy.CallPipeline"/>, and hands the first usable answer up. A target other than the routed
/// one gets a rebuilt request (its address, key, model; translated when it speaks the other provider's API).
/// Everything happens before the first response byte reaches the agent: a non-streaming answer is read whole inside the
/// attempt, a stream is handed up once its headers have arrived.
/// </summary>
internal sealed partial class UpstreamStage(ILlmUpstreamPolicy policy, ILlmCallCompletion completion, TimeProvider time, int maxResponseBodyBytes, ILogger logger) : DelegatingHandler
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!RoutedRequestMessage.TryGetCall(request, out var call) || call.Route is not { } route)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        // The time limits are the stage's own (UpstreamCallTimer); a policy's CallPipeline other than Empty runs around
        // them, and its token is then the one the call follows.
        Outcome<HttpResponseMessage> outcome;
        if (ReferenceEquals(policy.CallPipeline, ResiliencePipeline<HttpResponseMessage>.Empty))
        {
            outcome = await SendTimedAsync(request, call, route, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var context = ResilienceContextPool.Shared.Get(cancellationToken);
            try
            {
                outcome = await policy.CallPipeline.ExecuteOutcomeAsync(
                    static (ctx, state) => state.Stage.SendTimedAsync(state.Request, state.Call, state.Route, ctx.CancellationToken),
                    context,
                    new StageState(this, request, call, route, null!)).ConfigureAwait(false);
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
        }

        if (outcome.Exception is TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
        {
            return TotalTimedOut(request, call); // a policy's own CallPipeline timed out
        }

        outcome.ThrowIfException();
        return outcome.Result!;
    }

    /// <summary>
    /// The targets under the call's time limits: a cancellation once the whole call's limit has passed (and
    /// <paramref name="cancellationToken"/> was not cancelled) becomes the 504 of the whole call's limit.
    /// </summary>
    private async ValueTask<Outcome<HttpResponseMessage>> SendTimedAsync(HttpRequestMessage request, LlmCall call, LlmUpstreamRoute route, CancellationToken cancellationToken)
    {
        var timer = UpstreamCallTimer.Start(time, policy.Timeouts, cancellationToken);
        try
        {
            var outcome = await SendToTargetsAsync(request, call, route, timer).ConfigureAwait(false);
            if (outcome.Exception is OperationCanceledException && timer.TotalExpired)
            {
                return Outcome.FromResult(TotalTimedOut(request, call));
            }

            return outcome;
        }
        finally
        {
            timer.Return();
        }
    }

    /// <summary>The 504 of the whole call's limit (the call ends).</summary>
    private HttpResponseMessage TotalTimedOut(HttpRequestMessage request, LlmCall call)
    {
        UpstreamLog.CallTimedOut(logger, call.CallerId, policy.Timeouts.Total.TotalSeconds);
        return Failed(request, call, HttpStatusCode.GatewayTimeout, "iron_runtime_provider_timeout", "provider_timeout",
            $"The call did not get an answer from {call.Provider} within its time limit of {policy.Timeouts.Total.TotalSeconds:0.###} s.");
    }

    private async ValueTask<Outcome<HttpResponseMessage>> SendToTargetsAsync(HttpRequestMessage request, LlmCall call, LlmUpstreamRoute route, UpstreamCallTimer timer)
    {
        HttpResponseMessage? lastResponse = null;
        LlmUpstreamTarget? lastTarget = null;
        Outcome<HttpResponseMessage> lastFailure = default;
        LlmUpstreamUnavailable? unavailable = null;
        var targets = route.Targets;
        try
        {
            for (int i = 0; i < targets.Count; i++)
            {
                var target = targets[i];
                bool hasNext = i + 1 < targets.Count;
                if (!target.Endpoint.IsAvailable(out var retryAfter))
                {
                    unavailable ??= new LlmUpstreamUnavailable(target.Endpoint.Name, target.Endpoint.Provider, retryAfter);
                    LogFailover(call, target, hasNext ? targets[i + 1] : null, "its circuit is open");
                    continue;
                }

                var attempt = target.IsOriginal ? request : BuildRequest(request, call, target);

                // The target's endpoint pipeline around the attempts (inline: one state machine less per call).
                var context = ResilienceContextPool.Shared.Get(timer.CallToken);
                Outcome<HttpResponseMessage> outcome;
                try
                {
                    outcome = await target.Endpoint.Pipeline.ExecuteOutcomeAsync(
                        static (_, state) => state.Stage.AttemptAsync(state.Request, state.Call, state.Timer),
                        context,
                        new StageState(this, attempt, call, route, timer)).ConfigureAwait(false);
                }
                finally
                {
                    ResilienceContextPool.Shared.Return(context);
                }

                if (outcome.Exception is BrokenCircuitException)
                {
                    unavailable ??= new LlmUpstreamUnavailable(target.Endpoint.Name, target.Endpoint.Provider, policy.Timeouts.BreakDuration);
                    LogFailover(call, target, hasNext ? targets[i + 1] : null, "its circuit is open");
                    continue;
                }

                bool failed = LlmUpstreamFailures.IsFailure(outcome);
                if (!failed)
                {
                    if (outcome.Exception is InvalidDataException tooLarge)
                    {
                        // A body over MaxResponseBodyBytes: the same provider-shaped 502 the metering gives without this stage.
                        return Outcome.FromResult(Failed(request, call, HttpStatusCode.BadGateway, "iron_runtime_upstream_error", "bad_upstream_response",
                            $"The provider's response could not be read: {tooLarge.Message}"));
                    }

                    if (outcome.Exception is not null)
                    {
                        return outcome; // cancelled, or not a provider failure: the caller's problem
                    }

                    return Outcome.FromResult(await FinishAsync(outcome.Result!, call, target, timer).ConfigureAwait(false));
                }

                LogFailover(call, target, hasNext ? targets[i + 1] : null, LlmUpstreamFailures.Describe(outcome));
                lastResponse?.Dispose();
                lastResponse = outcome.Result;
                lastTarget = target;
                lastFailure = outcome;
            }

            if (lastResponse is not null)
            {
                var response = lastResponse;
                lastResponse = null;
                return Outcome.FromResult(await FinishAsync(response, call, lastTarget!, timer).ConfigureAwait(false));
            }

            if (lastFailure.Exception is { } error)
            {
                return Outcome.FromResult(Unreachable(request, call, lastTarget!, error));
            }

            call.StatusCode = (int)HttpStatusCode.ServiceUnavailable;
            completion.Complete(call, LlmCallOutcome.Unavailable);
            return Outcome.FromResult(ProviderErrors.ProviderUnavailable(call.AnthropicErrorShape, unavailable!.Value, request));
        }
        catch (Exception ex)
        {
            lastResponse?.Dispose();
            return Outcome.FromException<HttpResponseMessage>(ex);
        }
    }

    /// <summary>One attempt: send, and read a non-streaming answer whole so that a body cut short is still retryable.</summary>
    /// <remarks>Runs on the attempt's token of <paramref name="timer"/>: its first-byte limit, as the innermost step of the endpoint's pipeline.</remarks>
    private async ValueTask<Outcome<HttpResponseMessage>> AttemptAsync(HttpRequestMessage request, LlmCall call, UpstreamCallTimer timer)
    {
        if (!timer.TryStartAttempt(out var cancellationToken, out var cancelled))
        {
            return Outcome.FromException<HttpResponseMessage>(cancelled!);
        }

        call.Attempts++;
        HttpResponseMessage? response = null;
        BodyBuffer? body = null;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!call.IsStreaming && response.IsSuccessStatusCode)
            {
                // Buffered here so that a body cut short is retryable (the metering above reads it from memory) and
                // what of it arrived is known: a cut answer is charged the output it carried.
                long? declared = response.Content.Headers.ContentLength;
                body = new BodyBuffer(declared, maxResponseBodyBytes);
                await HttpContents.ReadLimitedAsync(response.Content, declared, maxResponseBodyBytes, body, cancellationToken).ConfigureAwait(false);
                var buffered = BufferedContent.Create(body.Detach()); // the metering reads it in place
                HttpContents.CopyHeaders(response.Content, buffered);
                response.Content.Dispose();
                response.Content = buffered;
            }

            return timer.EndAttempt(Outcome.FromResult(response));
        }
        catch (Exception ex)
        {
            if (response is { IsSuccessStatusCode: true })
            {
                // The provider answered and bills it, but the body (and its usage) was cut: charged its prompt and
                // the output that arrived (a body over the size limit: larger than the limit; the metering answers 502).
                call.UnreportedAnswers++;
                call.UnreportedOutputTokens += body is null ? 0 : ResponseMeteringHandler.PartialOutputTokens(call, body.WrittenSpan);
            }

            response?.Dispose();
            return timer.EndAttempt(Outcome.FromException<HttpResponseMessage>(ex));
        }
        finally
        {
            body?.Dispose(); // a rented array back to the pool, unless it became the body
        }
    }

    /// <summary>The answer chosen: the call now belongs to the target that gave it.</summary>
    private async ValueTask<HttpResponseMessage> FinishAsync(HttpResponseMessage response, LlmCall call, LlmUpstreamTarget target, UpstreamCallTimer timer)
    {
        call.Endpoint = target.Endpoint.Name;
        call.Provider = target.Endpoint.Provider;
        if (target.Model is { } model)
        {
            call.Model = model;
        }

        if (call.IsStreaming && response.IsSuccessStatusCode)
        {
            var timeouts = new StreamTimeouts(time, policy.Timeouts.StreamIdle, Deadline(call));
            if (timeouts.IsEnabled)
            {
                call.StreamTimeouts = timeouts;
            }
        }

        if (target.Translates)
        {
            // Read under the whole call's limit; a translated stream may keep the token.
            timer.ArmCall();
            timer.KeepCallToken();
            response = await TranslateAsync(response, call, target, timer.CallToken).ConfigureAwait(false);
        }

        return response;
    }

    private long Deadline(LlmCall call)
    {
        var total = policy.Timeouts.Total;
        if (total == Timeout.InfiniteTimeSpan)
        {
            return long.MaxValue;
        }

        return call.StartTimestamp + (long)(total.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>A request for a target other than the one the call was routed to: its address, key, model and format.</summary>
    private HttpRequestMessage BuildRequest(HttpRequestMessage original, LlmCall call, LlmUpstreamTarget target)
    {
        byte[] body = target.Translates
            ? TranslateRequest(call, target)
            : RequestModelRewriter.WithModel(call.Body.Span, target.Model ?? call.Model);
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = JsonContentType;
        var request = new HttpRequestMessage(original.Method, target.Endpoint.UriFor(target.Api)) { Content = content };
        (request.Version, request.VersionPolicy) = ProviderUpstream.HttpVersionFor(LlmUpstreamHttpVersion.Auto, target.Endpoint.BaseUri);

        foreach (var header in original.Headers)
        {
            if (!target.Translates || !IsProviderSpecific(header.Key))
            {
                request.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        var options = (IDictionary<string, object?>)request.Options;
        foreach (var option in original.Options)
        {
            options[option.Key] = option.Value;
        }

        ProviderUpstream.InjectCredentials(request.Headers, target.Endpoint.Provider, target.Api, target.Endpoint.ApiKey);
        return request;
    }

    private static bool IsProviderSpecific(string header)
        => header.StartsWith("anthropic-", StringComparison.OrdinalIgnoreCase)
           || header.StartsWith("openai-", StringComparison.OrdinalIgnoreCase);

    private HttpResponseMessage Unreachable(HttpRequestMessage request, LlmCall call, LlmUpstreamTarget target, Exception error)
    {
        UpstreamLog.EndpointFailed(logger, call.CallerId, target.Endpoint.Name, call.Attempts, error.Message);
        return error is TimeoutRejectedException
            ? Failed(request, call, HttpStatusCode.GatewayTimeout, "iron_runtime_provider_timeout", "provider_timeout",
                $"{target.Endpoint.Provider} (endpoint '{target.Endpoint.Name}') did not start answering within {policy.Timeouts.FirstByte.TotalSeconds:0.###} s, after {call.Attempts} attempt(s).")
            : Failed(request, call, HttpStatusCode.BadGateway, "iron_runtime_provider_unreachable", "provider_unreachable",
                $"{target.Endpoint.Provider} (endpoint '{target.Endpoint.Name}') could not be reached after {call.Attempts} attempt(s): {UnreachableCause.Describe(error, target.Endpoint.BaseUri, policy.Timeouts.Connect)}.");
    }

    private HttpResponseMessage Failed(HttpRequestMessage request, LlmCall call, HttpStatusCode status, string type, string code, string message)
    {
        call.StatusCode = (int)status;
        completion.Complete(call, LlmCallOutcome.Failed);
        return ProviderErrors.Create(call.AnthropicErrorShape, status, type, code, message, request);
    }

    private void LogFailover(LlmCall call, LlmUpstreamTarget from, LlmUpstreamTarget? to, string reason)
    {
        if (to is not null)
        {
            UpstreamLog.FailingOver(logger, call.CallerId, from.Endpoint.Name, to.Endpoint.Name, to.Model ?? call.Model, reason);
        }
    }

    private readonly record struct StageState(UpstreamStage Stage, HttpRequestMessage Request, LlmCall Call, LlmUpstreamRoute Route, UpstreamCallTimer Timer);
}
