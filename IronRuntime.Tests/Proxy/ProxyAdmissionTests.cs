using System.Net.Sockets;
using IronRuntime.Router.Proxy;

namespace IronRuntime.Tests.Proxy;

public sealed class ProxyAdmissionTests
{
    [Test]
    public void IsOutOfDescriptors_ConnectFailedWithEmfile_True()
    {
        // What SocketsHttpHandler throws when socket() fails with EMFILE: HttpRequestException over SocketException.
        var connect = new HttpRequestException("connect failed", new SocketException((int)SocketError.TooManyOpenSockets));
        Assert.That(ProxyAdmission.IsOutOfDescriptors(new AggregateException(connect)), Is.True);
    }

    [TestCase(SocketError.ConnectionRefused)]
    [TestCase(SocketError.TimedOut)]
    [TestCase(SocketError.HostUnreachable)]
    public void IsOutOfDescriptors_OtherSocketErrors_False(SocketError error)
        => Assert.That(ProxyAdmission.IsOutOfDescriptors(new HttpRequestException("x", new SocketException((int)error))), Is.False);
}
