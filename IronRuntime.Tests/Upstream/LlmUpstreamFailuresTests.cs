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
}
