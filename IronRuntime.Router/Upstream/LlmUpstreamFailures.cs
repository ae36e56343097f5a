using System.Globalization;
using System.Net;
using IronRuntime.Router.Errors;
using IronRuntime.Router.Upstream;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace IronRuntime.Router;

/// <summary>What counts as a provider failure (for breakers, retries and failover), and how long a provider asks to wait.</summary>
public static class LlmUpstreamFailures
{
    /// <summary>
    /// A failure of the endpoint: 5xx, 408 or 429 from the provider, an attempt timeout, a connection error (the connect
    /// timeout included), or a body cut short. Other 4xx, the runtime's own answers and cancellations are not.
    /// </summary>
    /// <param name="outcome">An attempt's outcome.</param>
    /// <returns>True for a failure of the endpoint.</returns>
    public static bool IsFailure(in Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        null => outcome.Result is { } response && IsFailureStatus(response),
        BrokenCircuitException => false,
        TimeoutRejectedException => true,
        OperationCanceledException ex => UnreachableCause.IsConnectTimeout(ex), // the connect timeout; not the caller's cancellation
        HttpRequestException or IOException => true,
        _ => false,
    };

    /// <summary>Whether the status is a provider failure (5xx, 408, 429) from the provider itself.</summary>
    /// <param name="response">The answer.</param>
    /// <returns>True for a failure status the runtime did not produce itself.</returns>
    public static bool IsFailureStatus(HttpResponseMessage response)
    {
        int status = (int)response.StatusCode;
        return (status >= 500 || status == (int)HttpStatusCode.RequestTimeout || status == (int)HttpStatusCode.TooManyRequests)
               && !response.Headers.Contains(ProviderErrors.OriginHeader);
    }

    /// <summary>Whether a failure may be retried on the same endpoint: not when the provider asks to wait longer than <paramref name="maxDelay"/>.</summary>
    /// <param name="outcome">An attempt's outcome.</param>
    /// <param name="maxDelay">The longest wait a retry may take.</param>
    /// <param name="time">The clock (for a <c>Retry-After</c> date).</param>
    /// <returns>True when a retry may follow.</returns>
    public static bool IsRetryable(in Outcome<HttpResponseMessage> outcome, TimeSpan maxDelay, TimeProvider time)
        => IsFailure(outcome) && !(RetryAfter(outcome.Result, time) > maxDelay);

    /// <summary>The wait a 429 or 503 asks for (<c>retry-after-ms</c>, or <c>Retry-After</c> in seconds or as a date), or null.</summary>
    /// <param name="response">The answer, or null.</param>
    /// <param name="time">The clock (for a date).</param>
    /// <returns>The wait, or null when none is asked for.</returns>
    public static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider time)
    {
        if (response is null || (response.StatusCode != HttpStatusCode.TooManyRequests && response.StatusCode != HttpStatusCode.ServiceUnavailable))
        {
            return null;
        }

        if (response.Headers.TryGetValues("retry-after-ms", out var values)
            && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) && ms >= 0)
        {
            return TimeSpan.FromMilliseconds(ms);
        }

        return response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date > time.GetUtcNow() ? date - time.GetUtcNow() : TimeSpan.Zero,
            _ => null,
        };
    }

    /// <summary>A short description of a failure for logs.</summary>
    /// <param name="outcome">An attempt's outcome.</param>
    /// <returns>For example <c>HTTP 503</c>.</returns>
    public static string Describe(in Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        null => outcome.Result is { } r ? string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)r.StatusCode}") : "no response",
        TimeoutRejectedException => "timed out before the first byte",
        var ex => ex.GetType().Name + ": " + ex.Message,
    };
}
