using System.Net;
using IronRuntime.Router.Content;
using IronRuntime.Router.Errors;
using IronRuntime.Router.Internal;
using IronRuntime.Router.Requests;
using IronRuntime.Router.Streaming;
using IronRuntime.Router.Usage;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Router.Pipeline;

/// <summary>
/// Step 7 of the chain (<see cref="LlmRouter"/>; below it only resilience, step 8, and the primary handler): applies the body edits (model prefix, streamed usage, imposed output limit),
/// then meters the answer — usage from a JSON body, or from an SSE stream passed through event by event — and
/// completes the call. With an <see cref="ILlmContentFilter"/> enabled for the answer, its text is filtered too.
/// </summary>
/// <remarks>
/// A provider's error body is read whole (up to <see cref="LlmRouterOptions.MaxResponseBodyBytes"/>) and every fragment
/// of a configured key is removed from it (<see cref="SecretScrubber"/>) before it goes up.
/// </remarks>
internal sealed class ResponseMeteringHandler(LlmRouterOptions options, ILlmCallCompletion completion, ILogger logger, ILlmContentFilter? content = null, SecretScrubber? scrubber = null) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!RoutedRequestMessage.TryGetCall(request, out var call))
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var body = call.Request is { } info
            ? LlmRequestEditor.Apply(call.Body, info, call.Model, call.Api, call.InjectedStreamUsage, call.ImposedMaxOutputTokens)
            : call.Body;
        call.Body = body;
        if (body.Length > 0 && !(BufferedContent.TryGetBody(request.Content, out var sent) && sent.Equals(body)))
        {
            // Edited here or by the content stage; an unedited body is already the request's content (set by routing).
            ReplaceContent(request, body);
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        call.StatusCode = (int)response.StatusCode;
        call.ProviderAnswered = response.IsSuccessStatusCode;
        if (!response.IsSuccessStatusCode)
        {
            return await ProviderErrorAsync(request, response, call, cancellationToken).ConfigureAwait(false);
        }

        if (call.Api == LlmApi.Unknown)
        {
            completion.Complete(call, LlmCallOutcome.Succeeded);
            return response;
        }

        if (IsEventStream(response.Content))
        {
            var upstream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            SseContentFilter? filter = content is not null && call.Api != LlmApi.Embeddings && content.IsEnabled(call, LlmContentDirection.Response)
                ? new SseContentFilter(content, call)
                : null;
            var metered = new StreamContent(new SseMeteringStream(upstream, call, completion, options.MaxStreamEventBytes, content: filter, timeouts: call.StreamTimeouts));
            HttpContents.CopyHeaders(response.Content, metered);
            response.Content = metered;
            ReleaseSent(request, call);
            return response;
        }

        // A body the resilience stage buffered is used in place: this await then completes at once.
        var (read, failure) = await ReadBodyAsync(request, response, call, cancellationToken).ConfigureAwait(false);
        return failure ?? MeterJson(request, response, call, read);
    }

    /// <summary>Meters a JSON answer whose body <paramref name="body"/> is in memory (the content of <paramref name="response"/> is replaced by it).</summary>
    private HttpResponseMessage MeterJson(HttpRequestMessage request, HttpResponseMessage response, LlmCall call, ReadOnlyMemory<byte> body)
    {
        if (!UsageJsonReader.TryRead(body.Span, call.Api, out var usage, out string? model))
        {
            ChargePartialAnswer(call, body.Span);
            response.Dispose();
            RouterLog.CallFailed(logger, null, call.CallerId, call.Provider, "the response body is not a valid " + call.Api + " answer");
            return Fail(request, call, "The provider returned a response that is not valid JSON for this API; it was not passed on.");
        }

        call.Usage = usage;
        call.UsageReported = true;
        call.ResponseModel = model;
        if (content is not null && call.Api != LlmApi.Embeddings && content.IsEnabled(call, LlmContentDirection.Response))
        {
            var rewriter = new JsonContentRewriter();
            JsonTextScope scope = call.Api switch
            {
                LlmApi.ChatCompletions => JsonTextScope.ChatResponse,
                LlmApi.Responses => JsonTextScope.ResponsesResponse,
                _ => JsonTextScope.MessagesResponse,
            };
            switch (rewriter.Rewrite(body.Span, scope, content, call, LlmContentDirection.Response, repeats: false))
            {
                case ContentRewrite.Rewritten:
                    body = rewriter.Output.WrittenSpan.ToArray();
                    break;
                case ContentRewrite.Blocked:
                    response.Dispose();
                    return Blocked(request, call, ContentErrors.BlockedMessage(LlmContentDirection.Response, rewriter.BlockedEntityTypes), ContentErrors.BlockedCode);
                case ContentRewrite.Unparsed when content.FailClosed(call, LlmContentDirection.Response):
                    response.Dispose();
                    return Blocked(request, call, "IronRuntime could not parse the answer's text, so it did not pass it on unscanned.", ContentErrors.UnparsedCode);
            }
        }

        ReplaceBody(response, body);
        completion.Complete(call, LlmCallOutcome.Succeeded);
        return response;
    }

    /// <summary>Makes <paramref name="body"/> the response's content, unless it already is (a body buffered below and not rewritten).</summary>
    private static void ReplaceBody(HttpResponseMessage response, ReadOnlyMemory<byte> body)
    {
        if (BufferedContent.TryGetBody(response.Content, out var current) && current.Equals(body))
        {
            return;
        }

        var replaced = BufferedContent.Create(body);
        HttpContents.CopyHeaders(response.Content, replaced);
        response.Content.Dispose();
        response.Content = replaced;
    }

    /// <summary>A provider's error: its body, with every fragment of a key removed, goes up; the call ends as a provider error.</summary>
    private async Task<HttpResponseMessage> ProviderErrorAsync(HttpRequestMessage request, HttpResponseMessage response, LlmCall call, CancellationToken cancellationToken)
    {
        if (scrubber is null || !scrubber.IsEnabled || response.Headers.Contains(ProviderErrors.OriginHeader))
        {
            completion.Complete(call, LlmCallOutcome.ProviderError);
            return response;
        }

        var (body, failure) = await ReadBodyAsync(request, response, call, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        ReplaceBody(response, scrubber.Scrub(body.ToArray())); // an error answer: rare, a copy is fine
        completion.Complete(call, LlmCallOutcome.ProviderError);
        return response;
    }

    /// <summary>
    /// The provider's body, read whole up to the limit; or the runtime's 502 when it could not be read (the call then
    /// ends). A success answer cut after its headers is charged the output it carried so far.
    /// </summary>
    private ValueTask<(ReadOnlyMemory<byte> Body, HttpResponseMessage? Failure)> ReadBodyAsync(HttpRequestMessage request, HttpResponseMessage response, LlmCall call, CancellationToken cancellationToken)
        => BufferedContent.TryGetBody(response.Content, out var body)
            ? ValueTask.FromResult<(ReadOnlyMemory<byte>, HttpResponseMessage?)>((body, null)) // read whole below (the resilience stage): used in place
            : ReadBodyCoreAsync(request, response, call, cancellationToken);

    private async ValueTask<(ReadOnlyMemory<byte> Body, HttpResponseMessage? Failure)> ReadBodyCoreAsync(HttpRequestMessage request, HttpResponseMessage response, LlmCall call, CancellationToken cancellationToken)
    {
        long? declared = response.Content.Headers.ContentLength;
        using var buffer = new BodyBuffer(declared, options.MaxResponseBodyBytes);
        try
        {
            await HttpContents.ReadLimitedAsync(response.Content, declared, options.MaxResponseBodyBytes, buffer, cancellationToken).ConfigureAwait(false);
            return (buffer.Detach(), null);
        }
        catch (OperationCanceledException)
        {
            ChargePartialAnswer(call, buffer.WrittenSpan);
            response.Dispose();
            completion.Complete(call, LlmCallOutcome.Cancelled);
            throw;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or InvalidDataException)
        {
            ChargePartialAnswer(call, buffer.WrittenSpan);
            response.Dispose();
            RouterLog.CallFailed(logger, ex, call.CallerId, call.Provider, "the response body could not be read");
            return (default, Fail(request, call, $"The provider's response (status {call.StatusCode}) could not be read: {ex.Message}"));
        }
    }

    /// <summary>A success answer whose usage cannot be read: its text so far is charged as output (estimated).</summary>
    private static void ChargePartialAnswer(LlmCall call, ReadOnlySpan<byte> body)
    {
        if (call.ProviderAnswered)
        {
            call.UnreportedOutputTokens += PartialOutputTokens(call, body);
        }
    }

    /// <summary>The output tokens of a success answer cut after its headers (<see cref="PartialAnswerText"/>), capped.</summary>
    internal static long PartialOutputTokens(LlmCall call, ReadOnlySpan<byte> body)
        => call.Api is LlmApi.Unknown or LlmApi.Embeddings ? 0 : call.CapOutputTokens(PartialAnswerText.OutputTokens(body, call.Model));

    private HttpResponseMessage Blocked(HttpRequestMessage request, LlmCall call, string message, string code)
    {
        call.StatusCode = (int)HttpStatusCode.UnprocessableEntity;
        RouterLog.CallFailed(logger, null, call.CallerId, call.Provider, message);
        completion.Complete(call, LlmCallOutcome.Failed);
        return ProviderErrors.Create(call.AnthropicErrorShape, HttpStatusCode.UnprocessableEntity, ContentErrors.BlockedType, code, message, request);
    }

    private HttpResponseMessage Fail(HttpRequestMessage request, LlmCall call, string message)
    {
        call.StatusCode = (int)HttpStatusCode.BadGateway;
        completion.Complete(call, LlmCallOutcome.Failed);
        return ProviderErrors.Create(call.AnthropicErrorShape, HttpStatusCode.BadGateway, "iron_runtime_upstream_error", "bad_upstream_response", message, request);
    }

    private static void ReplaceContent(HttpRequestMessage request, ReadOnlyMemory<byte> body)
    {
        var content = BufferedContent.Create(body);
        if (request.Content is { } original)
        {
            HttpContents.CopyHeaders(original, content);
            original.Dispose();
        }

        request.Content = content;
    }

    /// <summary>
    /// Drops the headers and the content of the router's own message once a streamed answer's headers have arrived:
    /// the transport keeps the message it sent for as long as the answer is open (minutes, for a stream), while
    /// nothing reads or sends it again — it went out whole before the answer began (HTTP/1.1; an HTTP/2 send holds its
    /// content itself), no attempt follows a streamed answer, and the caller's own request is a different message
    /// (the proxy's message is the proxy's own, never read again). A body in memory stays with the call
    /// (<see cref="LlmCall.Body"/>) and needs no disposing; any other content stays, to be disposed with the message.
    /// The call's parsed request (<see cref="LlmCall.Request"/>) goes too: only the stages before the answer read it.
    /// </summary>
    private static void ReleaseSent(HttpRequestMessage request, LlmCall call)
    {
        call.Request = null;
        request.Headers.Clear();
        if (request.Content is BufferedContent)
        {
            request.Content = null;
        }
    }

    private static bool IsEventStream(HttpContent content)
        => HttpContents.HasMediaType(content, "text/event-stream");
}
