using IronRuntime.Budget;
using IronRuntime.Budget.Redis;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace IronRuntime.Tests.Budget.Redis;

/// <summary>Limits shared by a fleet: Redis holds them; a limit set at run time applies everywhere, configuration only seeds.</summary>
[NonParallelizable]
public sealed class RedisSharedLimitsTests
{
    private RedisTestServer _server = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp() => _server = await RedisTestServer.StartAsync();

    [OneTimeTearDown]
    public async Task OneTimeTearDown() => await _server.DisposeAsync();

    private static string Prefix() => "s" + Guid.NewGuid().ToString("N")[..12];

    private Task<RuntimeHarness> InstanceAsync(string prefix, decimal configuredBudget) => RuntimeHarness.StartAsync(b => b
        .WithBudget(configuredBudget)
        .UseRedisBudgetLedger(o =>
        {
            o.ConnectionString = _server.ConnectionString;
            o.KeyPrefix = prefix;
        }));

    [Test]
    public async Task SetBudgetAtRunTime_AppliesToEveryInstance_AnInstanceStartingLaterOnlySeeds()
    {
        string prefix = Prefix();
        await using var first = await InstanceAsync(prefix, configuredBudget: 5m);
        Assert.That(first.Runtime.GetBudget().Limit, Is.EqualTo(5m), "the first instance seeds the fleet's limit from its configuration");

        first.Runtime.SetBudget(null, 1m);
        await using var second = await InstanceAsync(prefix, configuredBudget: 7m);

        Assert.Multiple(() =>
        {
            Assert.That(second.Runtime.GetBudget().Limit, Is.EqualTo(1m), "configuration does not overwrite a limit the fleet has");
            Assert.That(first.Runtime.GetBudget().Limit, Is.EqualTo(1m));
        });
    }

    [Test]
    public async Task AgentLimitSetOnOneInstance_IsSeenByTheOtherAfterItsNextMaintenanceStep()
    {
        string prefix = Prefix();
        await using var a = await LedgerAsync(prefix);
        await using var b = await LedgerAsync(prefix);
        await a.MaintainAsync();
        Assert.That(a.HasLimit("x"), Is.False);

        b.SetLimit("x", 0.000005m);
        await a.MaintainAsync();

        Assert.Multiple(() =>
        {
            Assert.That(a.HasLimit("x"), Is.True, "a's copy of the limits is read back from Redis");
            Assert.That(a.TryReserve("x", 0.000006m, 0m, 0, 0, out _), Is.False, "and Redis's limit binds a's reservations");
        });

        b.SetLimit("x", null);
        await a.MaintainAsync();
        Assert.That(a.HasLimit("x"), Is.False, "a limit cleared elsewhere is cleared here");
    }

    [Test]
    public async Task SeedLimit_KeepsTheFleetsLimit()
    {
        string prefix = Prefix();
        await using var a = await LedgerAsync(prefix);
        await using var b = await LedgerAsync(prefix);
        a.SetLimit(null, 0.00001m);

        b.SeedLimit(null, 0.5m);

        Assert.Multiple(() =>
        {
            Assert.That(b.GetSnapshot(null).Limit, Is.EqualTo(0.00001m));
            Assert.That(b.HasLimit(null), Is.True);
        });
    }

    private async Task<RedisBudgetLedger> LedgerAsync(string prefix)
        => new(await ConnectionMultiplexer.ConnectAsync(_server.ConnectionString + ",abortConnect=false"), ownsConnection: true,
            new RedisBudgetOptions { KeyPrefix = prefix, RenewInterval = TimeSpan.FromHours(1) }, [], TimeProvider.System, NullLogger.Instance);
}
