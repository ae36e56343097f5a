using System.Net;
using IronRuntime.Router;
using IronRuntime.Router.Errors;
using Polly;

namespace IronRuntime.Tests.Upstream;

/// <summary>What the breakers, retries and failover count as a failure of the provider.</summary>
public sealed class LlmUpstreamFailuresTests
{
    [TestCase(HttpStatusCode.InternalServerError)]
    [TestCase(HttpStatusCode.BadGateway)]
    [TestCase(HttpStatusCode.ServiceUnavailable)]
    [TestCase(HttpStatusCode.GatewayTimeout)]
    [TestCase(HttpStatusCode.RequestTimeout)]
    [TestCase(HttpStatusCode.TooManyRequests)]
    public void IsFailure_ProviderAnswer_5xx408429_Counts(HttpStatusCode status)
    {
        using var response = new HttpResponseMessage(status);

        Assert.Multiple(() =>
        {
            Assert.That(LlmUpstreamFailures.IsFailureStatus(response), Is.True);
            Assert.That(LlmUpstreamFailures.IsFailure(Outcome.FromResult(response)), Is.True);
        });
    }

    [TestCase(HttpStatusCode.InternalServerError)]
    [TestCase(HttpStatusCode.BadGateway)]
    [TestCase(HttpStatusCode.ServiceUnavailable)]
    [TestCase(HttpStatusCode.GatewayTimeout)]
    [TestCase(HttpStatusCode.TooManyRequests)]
    public void IsFailure_RuntimesOwnAnswer_DoesNotCount(HttpStatusCode status)
    {
        // What the runtime answers itself (a body it could not read, an open circuit, ...) says nothing of the provider.
        using var response = ProviderErrors.Create(false, status, "iron_runtime_upstream_error", "upstream_error", "from the runtime");

        Assert.Multiple(() =>
        {
            Assert.That(LlmUpstreamFailures.IsFailureStatus(response), Is.False);
            Assert.That(LlmUpstreamFailures.IsFailure(Outcome.FromResult(response)), Is.False);
        });
    }

    [TestCase(HttpStatusCode.OK)]
    [TestCase(HttpStatusCode.BadRequest)]
    [TestCase(HttpStatusCode.Unauthorized)]
    [TestCase(HttpStatusCode.NotFound)]
    [TestCase(HttpStatusCode.UnprocessableEntity)]
    public void IsFailure_SuccessOrOther4xx_DoesNotCount(HttpStatusCode status)
    {
        using var response = new HttpResponseMessage(status);

        Assert.That(LlmUpstreamFailures.IsFailure(Outcome.FromResult(response)), Is.False);
    }

    [Test]
    public void IsFailure_Exceptions_ConnectionErrorsCountCancellationDoesNot()
    {
        Assert.Multiple(() =>
        {
            Assert.That(LlmUpstreamFailures.IsFailure(Outcome.FromException<HttpResponseMessage>(new HttpRequestException("refused"))), Is.True);
            Assert.That(LlmUpstreamFailures.IsFailure(Outcome.FromException<HttpResponseMessage>(new IOException("cut"))), Is.True);
            Assert.That(LlmUpstreamFailures.IsFailure(Outcome.FromException<HttpResponseMessage>(new Polly.Timeout.TimeoutRejectedException())), Is.True);
            Assert.That(LlmUpstreamFailures.IsFailure(Outcome.FromException<HttpResponseMessage>(new OperationCanceledException())), Is.False);
            Assert.That(LlmUpstreamFailures.IsFailure(Outcome.FromException<HttpResponseMessage>(new InvalidDataException("too large"))), Is.False);
        });
    }

    // The waits a provider asks for: OpenAI's retry-after-ms (milliseconds), else Retry-After (RFC 9110 §10.2.3: seconds
    // or an HTTP date), only on 429 and 503.
    [TestCase(HttpStatusCode.TooManyRequests, "retry-after-ms", "1500", 1500)]
    [TestCase(HttpStatusCode.ServiceUnavailable, "retry-after-ms", "250.5", 250.5)]
    [TestCase(HttpStatusCode.TooManyRequests, "retry-after-ms", "0", 0)]
    [TestCase(HttpStatusCode.TooManyRequests, "Retry-After", "20", 20_000)]
    [TestCase(HttpStatusCode.ServiceUnavailable, "Retry-After", "0", 0)]
    public void RetryAfter_429Or503_IsTheWaitAskedFor(HttpStatusCode status, string header, string value, double expectedMs)
    {
        using var response = new HttpResponseMessage(status);
        response.Headers.TryAddWithoutValidation(header, value);

        Assert.That(LlmUpstreamFailures.RetryAfter(response, TimeProvider.System), Is.EqualTo(TimeSpan.FromMilliseconds(expectedMs)));
    }

    [Test]
    public void RetryAfter_MillisecondsHeaderWins_NegativeOrUnparsableFallsBackToRetryAfter()
    {
        using var both = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        both.Headers.TryAddWithoutValidation("retry-after-ms", "300");
        both.Headers.TryAddWithoutValidation("Retry-After", "9");
        using var negative = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        negative.Headers.TryAddWithoutValidation("retry-after-ms", "-5");
        negative.Headers.TryAddWithoutValidation("Retry-After", "9");
        using var garbage = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        garbage.Headers.TryAddWithoutValidation("retry-after-ms", "soon");

        Assert.Multiple(() =>
        {
            Assert.That(LlmUpstreamFailures.RetryAfter(both, TimeProvider.System), Is.EqualTo(TimeSpan.FromMilliseconds(300)));
            Assert.That(LlmUpstreamFailures.RetryAfter(negative, TimeProvider.System), Is.EqualTo(TimeSpan.FromSeconds(9)));
            Assert.That(LlmUpstreamFailures.RetryAfter(garbage, TimeProvider.System), Is.Null);
        });
    }

    [Test]
    public void RetryAfter_HttpDate_TimeUntilIt_ZeroOncePassed()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        using var future = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        future.Headers.TryAddWithoutValidation("Retry-After", "Thu, 26 Nov 2026 12:00:45 GMT");
        using var past = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        past.Headers.TryAddWithoutValidation("Retry-After", "Thu, 26 Nov 2026 11:59:00 GMT");
        using var now = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        now.Headers.TryAddWithoutValidation("Retry-After", "Thu, 26 Nov 2026 12:00:00 GMT");

        Assert.Multiple(() =>
        {
            Assert.That(LlmUpstreamFailures.RetryAfter(future, time), Is.EqualTo(TimeSpan.FromSeconds(45)));
            Assert.That(LlmUpstreamFailures.RetryAfter(past, time), Is.EqualTo(TimeSpan.Zero));
            Assert.That(LlmUpstreamFailures.RetryAfter(now, time), Is.EqualTo(TimeSpan.Zero));
        });
    }

    [TestCase(HttpStatusCode.InternalServerError)]
    [TestCase(HttpStatusCode.BadGateway)]
    [TestCase(HttpStatusCode.RequestTimeout)]
    [TestCase(HttpStatusCode.OK)]
    public void RetryAfter_OtherStatus_Null(HttpStatusCode status)
    {
        using var response = new HttpResponseMessage(status);
        response.Headers.TryAddWithoutValidation("retry-after-ms", "100");
        response.Headers.TryAddWithoutValidation("Retry-After", "1");

        Assert.That(LlmUpstreamFailures.RetryAfter(response, TimeProvider.System), Is.Null);
    }

    [TestCase(10, true)]
    [TestCase(30, true)]
    [TestCase(31, false)]
    public void IsRetryable_WaitUpToTheCap_Retried_LongerNot(int retryAfterSeconds, bool expected)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("Retry-After", retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.That(LlmUpstreamFailures.IsRetryable(Outcome.FromResult(response), TimeSpan.FromSeconds(30), TimeProvider.System), Is.EqualTo(expected));
    }

    [Test]
    public void IsRetryable_NotAFailure_False()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.BadRequest);

        Assert.That(LlmUpstreamFailures.IsRetryable(Outcome.FromResult(response), TimeSpan.FromSeconds(30), TimeProvider.System), Is.False);
    }

    [Test]
    public void Describe_NamesStatusTimeoutOrException()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.BadGateway);

        Assert.Multiple(() =>
        {
            Assert.That(LlmUpstreamFailures.Describe(Outcome.FromResult(response)), Is.EqualTo("HTTP 502"));
            Assert.That(LlmUpstreamFailures.Describe(Outcome.FromResult<HttpResponseMessage>(null!)), Is.EqualTo("no response"));
            Assert.That(LlmUpstreamFailures.Describe(Outcome.FromException<HttpResponseMessage>(new Polly.Timeout.TimeoutRejectedException())), Is.EqualTo("timed out before the first byte"));
            Assert.That(LlmUpstreamFailures.Describe(Outcome.FromException<HttpResponseMessage>(new IOException("cut"))), Is.EqualTo("IOException: cut"));
        });
    }

    [Test]
    public void IsFailure_NoResponseNoException_False() => Assert.That(LlmUpstreamFailures.IsFailure(Outcome.FromResult<HttpResponseMessage>(null!)), Is.False);

    [Test]
    public void IsFailure_OpenCircuit_NotCountedAgain()
        => Assert.That(LlmUpstreamFailures.IsFailure(Outcome.FromException<HttpResponseMessage>(new Polly.CircuitBreaker.BrokenCircuitException())), Is.False);
}
