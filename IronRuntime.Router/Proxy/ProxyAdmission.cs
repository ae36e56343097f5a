using System.Net;
using System.Net.Sockets;
using IronRuntime.Router.Admission;
using IronRuntime.Router.Errors;
using IronRuntime.Router.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace IronRuntime.Router.Proxy;

/// <summary>
/// Caps the proxied calls in flight at <see cref="ProxyCapacity.Calls"/>: a call beyond gets a provider-shaped 503 with
/// <c>Retry-After</c> and <c>Connection: close</c> (its descriptor is freed at once) while the open ones go on.
/// </summary>
internal sealed class ProxyAdmission(ProxyCapacity capacity, ILogger logger)
{
    private int _inFlight;
    private int _warned;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// Takes a slot for one call; false at capacity. The caller gives it back with <see cref="Leave"/> (the proxy's
    /// handler does both in its own method, so admission costs no state machine of its own per call).
    /// </summary>
    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _inFlight) <= capacity.Calls)
        {
            return true;
        }

        Interlocked.Decrement(ref _inFlight);
        if (Interlocked.Exchange(ref _warned, 1) == 0)
        {
            RouterLog.ProxyAtCapacity(logger, capacity.Calls);
        }

        return false;
    }

    /// <summary>Gives back the slot of a call admitted by <see cref="TryEnter"/>.</summary>
    public void Leave()
    {
        if (Interlocked.Decrement(ref _inFlight) < capacity.Calls * 3L / 4)
        {
            Volatile.Write(ref _warned, 0);
        }
    }

    /// <summary>Answers a call refused by <see cref="TryEnter"/>: 503, <c>Retry-After</c>, <c>Connection: close</c>.</summary>
    public Task RefuseAsync(HttpContext context)
        => WriteOverloadedAsync(context, string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"IronRuntime is overloaded: its proxy is at its capacity of {capacity.Calls} concurrent calls (the process's open-file limit). Retry after {OverloadErrors.RetryAfter.TotalSeconds:0} s."));

    /// <summary>Whether <paramref name="exception"/> says the process ran out of file descriptors (EMFILE/ENFILE).</summary>
    public static bool IsOutOfDescriptors(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.TooManyOpenSockets })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Answers 503 <c>iron_runtime_overloaded</c> in the shape of the route, and closes the connection.</summary>
    public static async Task WriteOverloadedAsync(HttpContext context, string message)
    {
        HttpResponse response = context.Response;
        if (response.HasStarted)
        {
            context.Abort();
            return;
        }

        bool anthropic = ProxyRequestHandler.UsesAnthropicShape(context.Request);
        byte[] body = ProviderErrors.Body(anthropic, OverloadErrors.OverloadedType, OverloadErrors.OverloadedCode, message);
        response.StatusCode = (int)HttpStatusCode.ServiceUnavailable;
        response.Headers[HeaderNames.RetryAfter] = ((int)OverloadErrors.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers[HeaderNames.Connection] = "close";
        response.Headers[ProviderErrors.OriginHeader] = "true";
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        try
        {
            await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The agent went away; nothing to refuse.
        }
    }
}
