using System.IO.Pipelines;
using System.Net;
using IronRuntime.Router.Errors;
using IronRuntime.Router.Internal;
using IronRuntime.Router.Providers;
using IronRuntime.Router.Streaming;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Router.Proxy;

/// <summary>
/// One proxied call: authenticate the agent by its token, feed the request into the router's chain attributed to
/// the agent, and stream the answer back read by read.
/// </summary>
/// <remarks>
/// The request body is streamed into the router, which reads at most its limit (413 beyond). The response body is
/// copied as it becomes available and written whenever the next read would wait (see <see cref="CopyBodyAsync"/>); for
/// a stream the router's <c>SseMeteringStream</c> hands out complete events only, so each event reaches the agent as
/// soon as it is complete, and events that arrived together leave together. A client that goes away cancels
/// the read, which cancels the provider call and settles what was received.
/// </remarks>
internal sealed class ProxyRequestHandler(LlmRouter router, AgentTokenRegistry tokens, ProxyAdmission admission, ILogger logger)
{
    /// <summary>The first array a burst of the answer is gathered in (from <see cref="SseBufferPool"/>); it doubles while a burst fills it.</summary>
    internal const int CopyBufferSize = SseBufferPool.ArraySize;

    private const int MaxUnflushedBytes = 64 * 1024;

    private const string UnauthorizedMessage =
        "IronRuntime: missing or unknown agent token. A process started by the runtime finds its token in OPENAI_API_KEY and ANTHROPIC_API_KEY.";

    /// <summary>One call, within the proxy's capacity (<see cref="ProxyAdmission"/>): beyond it, a 503.</summary>
    /// <remarks>
    /// The call up to the answer's headers runs in <see cref="AnswerAsync"/>, whose state is dropped once they are
    /// here; the answer is written in this method. An open stream so holds two state machines — this one and
    /// <see cref="CopyBodyAsync"/>'s — rather than one more for the writing (issue #19).
    /// </remarks>
    public async Task HandleAsync(HttpContext context)
    {
        if (!admission.TryEnter())
        {
            // Stryker disable once Boolean : ConfigureAwait(true) is equivalent, Kestrel has no SynchronizationContext
            await admission.RefuseAsync(context).ConfigureAwait(false);
            return;
        }

        try
        {
            using var message = TryAuthenticate(context.Request.Headers, out string? agentId) ? CreateRequestMessage(context) : null;
            // Stryker disable once Boolean : ConfigureAwait(true) is equivalent, Kestrel has no SynchronizationContext
            using var response = await AnswerAsync(context, message, agentId).ConfigureAwait(false);
            if (response is null)
            {
                return; // the agent went away, or the overload answer was written
            }

            HttpResponse target = context.Response;
            CancellationToken aborted = context.RequestAborted;
            SetResponseHead(target, response);
            PipeWriter writer = target.BodyWriter;
            try
            {
                if (BufferedContent.TryGetBody(response.Content, out var whole))
                {
                    // A non-streamed answer the router holds in memory: written in one piece, one flush, no stream.
                    // Stryker disable once Boolean : ConfigureAwait(true) is equivalent, Kestrel has no SynchronizationContext
                    await writer.WriteAsync(whole, aborted).ConfigureAwait(false);
                    return;
                }

                // Stryker disable once Boolean : ConfigureAwait(true) is equivalent, Kestrel has no SynchronizationContext
                var body = await response.Content.ReadAsStreamAsync(aborted).ConfigureAwait(false);
                // Stryker disable once Boolean : ConfigureAwait(true) is equivalent, Kestrel has no SynchronizationContext
                await using (body.ConfigureAwait(false))
                {
                    // Stryker disable once Boolean : ConfigureAwait(true) is equivalent, Kestrel has no SynchronizationContext
                    await CopyBodyAsync(body, writer, aborted).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                // The agent went away mid-answer: the read was cancelled, the router settled what was received.
            }
            catch (Exception ex)
            {
                // The provider's answer broke off (or could not be read): end the agent's response the same way,
                // so that its client sees an incomplete answer rather than a short one that looks complete.
                RouterLog.ProxyResponseAborted(logger, ex, agentId, context.Request.Path.Value);
                context.Abort();
            }
        }
        finally
        {
            admission.Leave();
        }
    }

    /// <summary>
    /// The answer to write: the router's (<paramref name="message"/> sent for <paramref name="agentId"/>), a 401 when the
    /// agent was not authenticated (<paramref name="message"/> null), a 502 when the call failed; null when there is
    /// nothing to write (the agent went away, or the overload answer was written here).
    /// </summary>
    private async Task<HttpResponseMessage?> AnswerAsync(HttpContext context, HttpRequestMessage? message, string? agentId)
    {
        HttpRequest request = context.Request;
        if (message is null)
        {
            RouterLog.ProxyUnauthorized(logger, request.Method, request.Path.Value);
            bool anthropic = UsesAnthropicShape(request);
            return ProviderErrors.Create(anthropic, HttpStatusCode.Unauthorized,
                anthropic ? "authentication_error" : "invalid_request_error", "invalid_api_key", UnauthorizedMessage);
        }

        CancellationToken aborted = context.RequestAborted;
        try
        {
            // Stryker disable once Boolean : ConfigureAwait(true) is equivalent, Kestrel has no SynchronizationContext
            return await router.SendAsync(message, agentId, aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return null; // the agent went away; the router completed the call as cancelled
        }
        catch (Exception ex) when (ProxyAdmission.IsOutOfDescriptors(ex))
        {
            RouterLog.ProxyOutOfDescriptors(logger, ex, agentId, request.Path.Value);
            // Stryker disable once Boolean : ConfigureAwait(true) is equivalent, Kestrel has no SynchronizationContext
            await ProxyAdmission.WriteOverloadedAsync(context,
                "IronRuntime is overloaded: the process has no file descriptor left to reach the provider. Retry after 1 s.").ConfigureAwait(false);
            return null;
        }
        catch (Exception ex)
        {
            RouterLog.ProxyCallFailed(logger, ex, agentId, request.Path.Value);
            return ProviderErrors.Create(UsesAnthropicShape(request), HttpStatusCode.BadGateway,
                "iron_runtime_upstream_error", "upstream_unreachable", "IronRuntime could not complete the call to the provider: " + ex.Message);
        }
    }

    /// <summary>The agent's token: <c>x-api-key</c> (Anthropic SDKs), else <c>Authorization: Bearer</c> (OpenAI SDKs, Anthropic SDK 13+).</summary>
    private bool TryAuthenticate(IHeaderDictionary headers, out string? agentId)
    {
        agentId = null;
        if (headers.TryGetValue("x-api-key", out var apiKey) && apiKey.Count == 1 && tokens.TryResolve(apiKey.ToString().AsSpan().Trim(), out agentId))
        {
            return true;
        }

        var authorization = headers.Authorization;
        if (authorization.Count != 1)
        {
            return false;
        }

        ReadOnlySpan<char> value = authorization.ToString().AsSpan().Trim();
        return value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
               && tokens.TryResolve(value["Bearer ".Length..].Trim(), out agentId);
    }

    internal static bool UsesAnthropicShape(HttpRequest request)
    {
        var api = ProviderDetector.DetectApi(HttpMethod.Parse(request.Method), request.Path.Value, out _, out _);
        return ProviderErrors.UsesAnthropicShape(api, request.Headers.ContainsKey("x-api-key") || request.Headers.ContainsKey("anthropic-version"));
    }

    private static HttpRequestMessage CreateRequestMessage(HttpContext context)
    {
        HttpRequest request = context.Request;
        // The agent's connection holds a descriptor too; and the message, built for this call only, is the router's to
        // send on rather than copy (UpstreamRequest).
        var message = new Pipeline.RoutedRequestMessage(
            HttpMethod.Parse(request.Method),
            new Uri(LlmRouter.RelativeBase, request.Path.ToUriComponent() + request.QueryString.ToUriComponent()))
        {
            Proxied = true,
        };
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength > 0)
        {
            message.Content = new StreamContent(request.Body);
            message.Content.Headers.ContentLength = request.ContentLength;
        }

        ProxyHeaders.CopyRequestHeaders(request.Headers, message);
        return message;
    }

    /// <summary>
    /// Copies the answer: waits for bytes with a zero-byte read (no buffer held while a stream is idle), gathers
    /// everything that is already available in one pooled array, and writes it to the agent — one write and one flush —
    /// when the next read would wait: one send per burst of events rather than per event; a non-streaming answer is
    /// written once at its end (in pieces of at most <see cref="MaxUnflushedBytes"/>).
    /// </summary>
    /// <remarks>
    /// The bytes go out through <see cref="PipeWriter.WriteAsync"/>, never through the writer's
    /// <see cref="PipeWriter.GetMemory"/>: Kestrel's HTTP/1.1 chunked writer keeps the memory it last handed out in a
    /// field for the life of the connection, so a stream that wrote into it kept one 8 KB block of the transport's pool
    /// alive for as long as it stayed open, after the block had gone back to the pool — about 2,000 such blocks at
    /// 4,000 open streams (issue #19, stop 11).
    /// </remarks>
    internal static async Task CopyBodyAsync(Stream body, PipeWriter writer, CancellationToken aborted)
    {
        byte[]? buffer = null;
        int filled = 0;
        try
        {
            while (true)
            {
                if (filled >= MaxUnflushedBytes)
                {
                    int count = filled;
                    filled = 0;
                    // Stryker disable once Boolean : ConfigureAwait(true) is equivalent, Kestrel has no SynchronizationContext
                    FlushResult sent = await writer.WriteAsync(buffer.AsMemory(0, count), aborted).ConfigureAwait(false);
                    if (sent.IsCompleted || sent.IsCanceled)
                    {
                        return; // the agent went away: no more of the answer is read for nobody
                    }
                }

                ValueTask<int> ready = body.ReadAsync(Memory<byte>.Empty, aborted);
                if (!ready.IsCompleted && filled > 0)
                {
                    int count = filled;
                    filled = 0;
                    // Stryker disable once Boolean : ConfigureAwait(true) is equivalent, Kestrel has no SynchronizationContext
                    FlushResult sent = await writer.WriteAsync(buffer.AsMemory(0, count), aborted).ConfigureAwait(false);
                    SseBufferPool.Shared.Return(buffer!);
                    buffer = null;
                    if (sent.IsCompleted || sent.IsCanceled)
                    {
                        // The agent went away: leave the wait (disposing the body cancels it and the provider call).
                        return;
                    }
                }

                int read;
                try
                {
                    // Stryker disable once Boolean : ConfigureAwait(true) is equivalent, Kestrel has no SynchronizationContext
                    await ready.ConfigureAwait(false);
                    buffer = SpaceFor(buffer, filled);
                    // Stryker disable once Boolean : ConfigureAwait(true) is equivalent, Kestrel has no SynchronizationContext
                    read = await body.ReadAsync(buffer.AsMemory(filled), aborted).ConfigureAwait(false);
                }
                catch (Exception) when (filled > 0 && !aborted.IsCancellationRequested)
                {
                    // The provider's answer broke off: what was forwarded before the break still reaches the agent (it is
                    // charged as forwarded), then the caller ends the response as broken.
                    // Stryker disable once Boolean : ConfigureAwait(true) is equivalent, Kestrel has no SynchronizationContext
                    await writer.WriteAsync(buffer.AsMemory(0, filled), aborted).ConfigureAwait(false);
                    throw;
                }

                if (read == 0)
                {
                    break;
                }

                filled += read;
            }

            if (filled > 0)
            {
                // Stryker disable once Boolean : ConfigureAwait(true) is equivalent, Kestrel has no SynchronizationContext
                await writer.WriteAsync(buffer.AsMemory(0, filled), aborted).ConfigureAwait(false);
            }
        }
        finally
        {
            if (buffer is not null)
            {
                SseBufferPool.Shared.Return(buffer);
            }
        }
    }

    /// <summary>
    /// The array to read the next bytes into: a pooled one of <see cref="CopyBufferSize"/> bytes when none is held, twice
    /// as large (up to <see cref="MaxUnflushedBytes"/>) when a burst has filled it, else the one held.
    /// </summary>
    private static byte[] SpaceFor(byte[]? buffer, int filled)
    {
        if (buffer is null)
        {
            return SseBufferPool.Shared.Rent(CopyBufferSize);
        }

        if (filled < buffer.Length)
        {
            return buffer;
        }

        byte[] larger = SseBufferPool.Shared.Rent(Math.Min(2 * buffer.Length, MaxUnflushedBytes));
        buffer.AsSpan(0, filled).CopyTo(larger);
        SseBufferPool.Shared.Return(buffer);
        return larger;
    }

    /// <summary>The status and headers of <paramref name="response"/> on the agent's response.</summary>
    private static void SetResponseHead(HttpResponse target, HttpResponseMessage response)
    {
        target.StatusCode = (int)response.StatusCode;
        ProxyHeaders.CopyResponseHeaders(response, target.Headers);
        target.ContentLength = response.Content.Headers.ContentLength;
        if (response.StatusCode is HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.RequestTimeout or HttpStatusCode.ServiceUnavailable
            && response.Headers.Contains(ProviderErrors.OriginHeader))
        {
            // The body was refused part-way: close the connection rather than let Kestrel drain the rest of it. A 503
            // of the runtime (overloaded, out of descriptors, circuit open) closes it too, so that its descriptor is
            // freed at once and a connection waiting to be accepted gets its answer.
            target.Headers.Connection = "close";
        }
    }
}
