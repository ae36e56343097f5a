using System.Net.Sockets;
using System.Security.Authentication;
using IronRuntime.Router.Upstream;

namespace IronRuntime.Tests.Upstream;

/// <summary>The cause named in a 502 for the failures a real network is not needed to produce (TLS, connect timeout).</summary>
public sealed class UnreachableCauseTests
{
    private static readonly Uri Target = new("https://api.example.invalid/");

    [Test]
    public void Describe_TlsHandshakeFailed_NamesTlsAndTheEndpoint()
    {
        var error = new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established, see inner exception.",
            new AuthenticationException("The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot"));

        string cause = UnreachableCause.Describe(error, Target, TimeSpan.FromSeconds(10));

        Assert.That(cause, Is.EqualTo("the TLS handshake with api.example.invalid:443 failed (The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot)"));
    }

    [Test]
    public void Describe_ConnectTimeout_NamesTheTimeoutAndItsSetting()
    {
        // What SocketsHttpHandler throws when ConnectTimeout passes: a cancellation caused by a TimeoutException.
        var error = new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 10 seconds elapsing.", new TimeoutException("A connection could not be established within the configured ConnectTimeout."));

        Assert.Multiple(() =>
        {
            Assert.That(UnreachableCause.IsConnectTimeout(error), Is.True);
            Assert.That(UnreachableCause.Describe(error, Target, TimeSpan.FromSeconds(2.5)),
                Is.EqualTo("no connection to api.example.invalid:443 within the connect timeout of 2.5 s (Resilience:ConnectTimeout)"));
        });
    }

    [Test]
    public void IsConnectTimeout_CallersOwnCancellation_IsNot()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.That(UnreachableCause.IsConnectTimeout(new TaskCanceledException("cancelled", null, cts.Token)), Is.False);
    }

    [Test]
    public void Describe_ConnectionReset_NamesTheEndpoint()
    {
        var error = new HttpRequestException(HttpRequestError.ConnectionError, "Connection reset by peer (api.example.invalid:443)", new SocketException((int)SocketError.ConnectionReset));

        Assert.That(UnreachableCause.Describe(error, Target, TimeSpan.FromSeconds(10)), Does.StartWith("the connection to api.example.invalid:443 failed ("));
    }
}
