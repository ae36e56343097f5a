using IronRuntime.Router.Admission;

namespace IronRuntime.Tests.Admission;

public sealed class ProxyCapacityTests
{
    // Hand-computed: reserve = open + max(256, limit / 40); calls = (limit − reserve) × 8 / 17 (floor);
    // connections = calls + max(1, calls / 8). Two descriptors per call plus one per extra connection fit the rest.
    [TestCase(20_000, 150, 9_105, 10_243, 650)]
    [TestCase(1_024, 150, 290, 326, 406)]
    [TestCase(600, 150, 91, 102, 406)]
    public void For_OpenFileLimit_LeavesTheReserveFree(long limit, int open, int calls, int connections, int reserve)
    {
        var capacity = ProxyCapacity.For(limit, open);
        Assert.That(capacity, Is.EqualTo(new ProxyCapacity(calls, connections, limit, reserve)));
        Assert.That((2L * capacity.Calls) + (capacity.Connections - capacity.Calls) + capacity.Reserve, Is.LessThanOrEqualTo(limit));
    }

    [Test]
    public void For_LimitBelowTheReserve_OneCall()
        => Assert.That(ProxyCapacity.For(200, 150).Calls, Is.EqualTo(1));
}
