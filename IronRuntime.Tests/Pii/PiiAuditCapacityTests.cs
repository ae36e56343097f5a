using IronRuntime.Pii;
using IronRuntime.Router;
using Microsoft.Extensions.DependencyInjection;

namespace IronRuntime.Tests.Pii;

/// <summary><c>Pii:AuditCapacity</c>: the in-memory audit ring keeps only the latest N events.</summary>
public sealed class PiiAuditCapacityTests
{
    [Test]
    public async Task AuditRing_KeepsOnlyTheLastAuditCapacityEvents()
    {
        var services = new ServiceCollection();
        services.AddIronRuntime(b => b.UseSimulatedProvider().WithPii(p => p.AuditCapacity = 3));
        await using var sp = services.BuildServiceProvider();
        var sink = sp.GetRequiredService<IPiiAuditSink>();
        var log = sp.GetRequiredService<IPiiAuditLog>();

        for (int i = 0; i < 5; i++)
        {
            sink.Write(new PiiAuditEvent(DateTimeOffset.UnixEpoch, "a1", LlmContentDirection.Request, PiiEntityTypes.Email, i, $"hash{i}", PiiMode.Detect));
        }

        Assert.That(log.GetRecent().Select(e => e.Position), Is.EqualTo(new long[] { 2, 3, 4 }), "the oldest two were dropped, order kept");
    }
}
