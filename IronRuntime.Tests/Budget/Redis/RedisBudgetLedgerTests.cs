using IronRuntime.Budget;
using IronRuntime.Budget.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace IronRuntime.Tests.Budget.Redis;

/// <summary>The Redis ledger against a real server (redis-server, or Garnet in process).</summary>
[NonParallelizable]
public sealed class RedisBudgetLedgerTests
{
    private RedisTestServer _server = null!;
    private readonly List<IAsyncDisposable> _disposables = [];

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _server = await RedisTestServer.StartAsync();
        TestContext.Progress.WriteLine($"Redis ledger tests run against {(_server.IsGarnet ? "Garnet in process" : "redis-server")} on port {_server.Port}.");
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown() => await _server.DisposeAsync();

    [TearDown]
    public async Task TearDown()
    {
        foreach (var d in Enumerable.Reverse(_disposables))
        {
            await d.DisposeAsync();
        }

        _disposables.Clear();
    }

    [Test]
    public async Task TryReserve_TwoHundredConcurrentOnTwoInstances_ExactlyTheAffordableOnesSucceed()
    {
        string prefix = Prefix();
        var a = await LedgerAsync(prefix);
        var b = await LedgerAsync(prefix);
        // Worst case of one call: 1,000 fixed + 100 units × 20 = 3,000 nano-dollars; the limit holds exactly 37 of them.
        a.SetLimit(null, 37 * 0.000003m);
        b.SetLimit(null, 37 * 0.000003m);
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
            await (i % 2 == 0 ? a : b).TryReserveAsync("agent-" + (i % 3), 0.000001m, 0.00000002m, 100, 100))));
        var made = results.Where(r => r.Reserved).Select(r => r.Reservation).ToList();
        Assert.That(made, Has.Count.EqualTo(37));
        Assert.That(a.GetSnapshot(null), Is.EqualTo(new BudgetSnapshot(null, 37 * 0.000003m, 0m, 37 * 0.000003m)));
        foreach (var (r, i) in made.Select((r, i) => (r, i)))
        {
            (i % 2 == 0 ? a : b).Settle(r, 0.0000025m);
        }

        // A settle is written in the background: an instance's own reads wait for it, another instance's do not.
        await Task.WhenAll(a.WhenSettledAsync(), b.WhenSettledAsync());
        Assert.That(b.GetSnapshot(null), Is.EqualTo(new BudgetSnapshot(null, 37 * 0.000003m, 37 * 0.0000025m, 0m)));
    }

    [Test]
    public async Task TryReserve_NoOutputLimit_ImposesTheUnitsTheRoomAffords()
    {
        var ledger = await LedgerAsync(Prefix());
        ledger.SetLimit(null, 0.00001m); // 10,000 units
        ledger.SetLimit("a", 0.000005m); // 5,000 units: binds
        // fixed 1,000; 30 units per token: (5,000 - 1,000) / 30 = 133.3 → 133 tokens.
        Assert.That(ledger.TryReserve("a", 0.000001m, 0.00000003m, 16, 4096, out var r), Is.True);
        Assert.That((r.OutputTokens, r.Amount), Is.EqualTo((133L, 0.00000499m)));
        Assert.That(ledger.TryReserve("a", 0m, 0.00000003m, 16, 4096, out _), Is.False, "10 units left, 16 tokens need 480");
    }

    [Test]
    public async Task Settle_Twice_ChargesOnce()
    {
        var ledger = await LedgerAsync(Prefix());
        Assert.That(ledger.TryReserve("a", 0.00001m, 0m, 0, 0, out var r), Is.True);
        ledger.Settle(r, 0.000004m);
        ledger.Settle(r, 0.000004m);
        Assert.That(ledger.GetSnapshot("a"), Is.EqualTo(new BudgetSnapshot("a", null, 0.000004m, 0m)));
        Assert.That(ledger.GetSnapshot(null), Is.EqualTo(new BudgetSnapshot(null, null, 0.000004m, 0m)));
    }

    [Test]
    public async Task Money_FractionsOfTheMinorUnit_RoundUpNeverDown()
    {
        var ledger = await LedgerAsync(Prefix());
        // $0.0375 per million tokens = 37.5 nano-dollars per token: reserved at 38 per token, plus 0.1 nano → 1.
        Assert.That(ledger.TryReserve(null, 0.0000000001m, 0.0000000375m, 10, 10, out var r), Is.True);
        Assert.That(r.Amount, Is.EqualTo(0.000000381m));
        ledger.Settle(r, 0.0000000001m);
        Assert.That(ledger.GetSnapshot(null).Spent, Is.EqualTo(0.000000001m));
    }

    [Test]
    public async Task Lease_OwnerGone_ExpiresAndIsChargedAtItsWorstCaseByAnotherInstance()
    {
        string prefix = Prefix();
        var lease = TimeSpan.FromMilliseconds(400);
        var dead = await LedgerAsync(prefix, lease, track: false);
        var alive = await LedgerAsync(prefix, lease);
        Assert.That(dead.TryReserve("a", 0.000002m, 0.00000001m, 100, 100, out _), Is.True); // 3,000 units
        Assert.That(alive.TryReserve("a", 0.000001m, 0m, 0, 0, out var kept), Is.True);
        await dead.DisposeAsync(); // never settles: as if killed
        await Task.Delay(lease + TimeSpan.FromMilliseconds(300));
        await alive.MaintainAsync(); // renews its own lease, charges the dead one's
        Assert.That(alive.GetSnapshot("a"), Is.EqualTo(new BudgetSnapshot("a", null, 0.000003m, 0.000001m)));
        alive.Settle(kept, 0.0000005m);
        Assert.That(alive.GetSnapshot(null), Is.EqualTo(new BudgetSnapshot(null, null, 0.0000035m, 0m)));
        await using var redis = await ConnectAsync(_server);
        Assert.That((long)await redis.GetDatabase().HashGetAsync("{" + prefix + "}:all:g", "expired"), Is.EqualTo(3000));
    }

    [Test]
    public async Task Lease_Renewed_OutlivesItsDuration()
    {
        string prefix = Prefix();
        var lease = TimeSpan.FromMilliseconds(2000); // renewed every 400 ms: room for a loaded machine
        var ledger = await LedgerAsync(prefix, lease);
        var other = await LedgerAsync(prefix, lease);
        Assert.That(ledger.TryReserve(null, 0.000002m, 0m, 0, 0, out var r), Is.True);
        for (int i = 0; i < 10; i++)
        {
            await Task.Delay(400);
            await ledger.MaintainAsync();
            await other.MaintainAsync();
        }

        Assert.That(other.GetSnapshot(null), Is.EqualTo(new BudgetSnapshot(null, null, 0m, 0.000002m)), "still held after twice its lease");
        ledger.Settle(r, 0.000001m);
        await ledger.WhenSettledAsync(); // written in the background; the other instance's read does not wait for it
        Assert.That(other.GetSnapshot(null), Is.EqualTo(new BudgetSnapshot(null, null, 0.000001m, 0m)));
    }

    [Test]
    public async Task RedisRestarted_AppendOnlyFile_LosesNothing()
    {
        Assume.That(_server.IsGarnet, Is.False, "the append-only file is redis-server's");
        var ledger = await LedgerAsync(Prefix());
        ledger.SetLimit(null, 1m);
        Assert.That(ledger.TryReserve(null, 0.25m, 0m, 0, 0, out var settled), Is.True);
        Assert.That(ledger.TryReserve(null, 0.5m, 0m, 0, 0, out var held), Is.True);
        ledger.Settle(settled, 0.125m);
        await _server.StopAsync();
        Assert.That(() => ledger.TryReserve(null, 0.01m, 0m, 0, 0, out _), Throws.TypeOf<BudgetUnavailableException>(), "fails closed while away");
        ledger.Settle(held, 0.0625m); // deferred while Redis is away
        await _server.RestartAsync();
        await Support.Eventually.UntilAsync(() => ledger.MaintainAsync().ContinueWith(t => t.IsCompletedSuccessfully && t.Result == 0).Result, TimeSpan.FromSeconds(20));
        Assert.That(ledger.GetSnapshot(null), Is.EqualTo(new BudgetSnapshot(null, 1m, 0.1875m, 0m)));
        ledger.Settle(held, 0.0625m);
        Assert.That(ledger.GetSnapshot(null).Spent, Is.EqualTo(0.1875m), "the deferred settle is not charged again");
    }

    [Test]
    public async Task RedisAway_LocalAllowance_AdmitsUpToItAndChargesRedisOnceWhenBack()
    {
        await using var server = await RedisTestServer.StartAsync();
        var ledger = Track(new RedisBudgetLedger(await ConnectAsync(server), ownsConnection: true,
            new RedisBudgetOptions { KeyPrefix = Prefix(), LocalAllowance = 0.001m }, [], TimeProvider.System, NullLogger.Instance));
        await server.StopAsync();
        Assert.That(ledger.TryReserve("a", 0.0006m, 0m, 0, 0, out var first), Is.True);
        Assert.That(ledger.TryReserve("a", 0.0006m, 0m, 0, 0, out _), Is.False, "beyond the allowance");
        ledger.Settle(first, 0.0002m);
        Assert.That(ledger.TryReserve("a", 0.0008m, 0m, 0, 0, out var second), Is.True, "0.0002 spent locally, 0.0008 left");
        ledger.Settle(second, 0.0003m);
        if (!server.IsGarnet)
        {
            await server.RestartAsync();
        }
        else
        {
            return; // Garnet in process keeps no data across a restart: the charge-once check needs redis-server
        }

        await Support.Eventually.UntilAsync(() => ledger.MaintainAsync().ContinueWith(t => t.IsCompletedSuccessfully && t.Result == 0).Result, TimeSpan.FromSeconds(20));
        await ledger.MaintainAsync();
        Assert.That(ledger.GetSnapshot("a").Spent, Is.EqualTo(0.0005m));
        Assert.That(ledger.LocalOutstanding, Is.Zero);
    }

    [Test]
    public async Task Settle_CrossesThresholdOnTwoInstances_OneAlertAcrossTheFleet()
    {
        string prefix = Prefix();
        var a = await LedgerAsync(prefix, thresholds: [0.5m, 1m]);
        var b = await LedgerAsync(prefix, thresholds: [0.5m, 1m]);
        a.SetLimit(null, 0.001m);
        b.SetLimit(null, 0.001m); // every instance configures the same limits
        var alerts = new System.Collections.Concurrent.ConcurrentQueue<BudgetAlert>();
        a.ThresholdCrossed += (_, e) => alerts.Enqueue(e);
        b.ThresholdCrossed += (_, e) => alerts.Enqueue(e);
        for (int i = 0; i < 10; i++)
        {
            var ledger = i % 2 == 0 ? a : b;
            Assert.That(ledger.TryReserve(null, 0.0001m, 0m, 0, 0, out var r), Is.True);
            ledger.Settle(r, 0.0001m);
        }

        await a.WhenSettledAsync();
        await b.WhenSettledAsync();
        Assert.That(alerts.Select(x => x.Threshold).Order().ToArray(), Is.EqualTo(new[] { 0.5m, 1m }));
    }

    [Test]
    public async Task Period_ConcurrentCallsStraddleMidnightInTheZone_EachChargedOnceToThePeriodItWasReservedIn()
    {
        string prefix = Prefix();
        // 23:59:59.5 in Paris on 2026-11-26 (UTC+1): the day ends half a second later.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 22, 59, 59, 500, TimeSpan.Zero));
        var options = new RedisBudgetOptions { KeyPrefix = prefix, Period = BudgetPeriod.Daily, TimeZone = "Europe/Paris", RenewInterval = TimeSpan.FromHours(1) };
        await using var ledger = new RedisBudgetLedger(await ConnectAsync(_server), ownsConnection: true, options, [], time, NullLogger.Instance);
        ledger.SetLimit(null, 0.0001m); // 100,000 units a day; each call reserves 1,000 and is charged 600

        var before = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => Task.Run(async () => await ledger.TryReserveAsync("a", 0.000001m, 0m, 0, 0))));
        var settling = before.Take(30).Select(r => Task.Run(() => ledger.Settle(r.Reservation, 0.0000006m))).ToList();
        time.Advance(TimeSpan.FromSeconds(1)); // midnight in Paris, while calls are being reserved and settled
        var after = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(async () => await ledger.TryReserveAsync("a", 0.000001m, 0m, 0, 0))));
        settling.AddRange(before.Skip(30).Concat(after).Select(r => Task.Run(() => ledger.Settle(r.Reservation, 0.0000006m))));
        await Task.WhenAll(settling);
        await ledger.WhenSettledAsync();

        Assert.That(before.Concat(after).All(r => r.Reserved), Is.True, "a new day starts from an empty account: 100 fit again");
        await using var redis = await ConnectAsync(_server);
        var db = redis.GetDatabase();
        var day1 = await db.HashGetAsync("{" + prefix + "}:d2026-11-26:g", ["spent", "reserved"]);
        var day2 = await db.HashGetAsync("{" + prefix + "}:d2026-11-27:g", ["spent", "reserved"]);
        Assert.Multiple(() =>
        {
            Assert.That(((long)day1[0], (long)day1[1]), Is.EqualTo((60 * 600L, 0L)), "the 60 calls reserved on the 26th are charged there, whenever they ended");
            Assert.That(((long)day2[0], (long)day2[1]), Is.EqualTo((100 * 600L, 0L)), "the 100 reserved on the 27th there");
            Assert.That(ledger.GetSnapshot(null), Is.EqualTo(new BudgetSnapshot(null, 0.0001m, 0.00006m, 0m)), "the snapshot is the current day's");
        });
    }

    [TestCase(BudgetPeriod.None, "2026-11-29T23:30:00Z", "UTC", "all")]
    [TestCase(BudgetPeriod.Daily, "2026-11-29T23:30:00Z", "UTC", "d2026-11-29")]
    [TestCase(BudgetPeriod.Daily, "2026-11-29T23:30:00Z", "Europe/Paris", "d2026-11-30")]
    [TestCase(BudgetPeriod.Weekly, "2026-11-29T23:30:00Z", "UTC", "w2026-11-23")] // a Sunday: the week began Monday the 23rd
    [TestCase(BudgetPeriod.Weekly, "2026-11-29T23:30:00Z", "Europe/Paris", "w2026-11-30")] // already Monday in Paris
    [TestCase(BudgetPeriod.Monthly, "2026-11-30T23:30:00Z", "UTC", "m2026-11")]
    [TestCase(BudgetPeriod.Monthly, "2026-11-30T23:30:00Z", "Asia/Tokyo", "m2026-12")]
    public void PeriodName_CalendarAlignedInTheZone(BudgetPeriod period, string utc, string zone, string expected)
        => Assert.That(IronRuntime.Budget.Periods.BudgetPeriods.Name(period, TimeZoneInfo.FindSystemTimeZoneById(zone), DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(expected));

    private static string Prefix() => "t" + Guid.NewGuid().ToString("N")[..12];

    private async Task<RedisBudgetLedger> LedgerAsync(string prefix, TimeSpan? lease = null, decimal[]? thresholds = null, bool track = true)
    {
        var options = new RedisBudgetOptions { KeyPrefix = prefix, LeaseDuration = lease ?? TimeSpan.FromSeconds(30), RenewInterval = TimeSpan.FromHours(1) };
        var ledger = new RedisBudgetLedger(await ConnectAsync(_server), ownsConnection: true, options, thresholds ?? [], TimeProvider.System, NullLogger.Instance);
        return track ? Track(ledger) : ledger;
    }

    private static async Task<IConnectionMultiplexer> ConnectAsync(RedisTestServer server)
        => await ConnectionMultiplexer.ConnectAsync(server.ConnectionString + ",abortConnect=false");

    private RedisBudgetLedger Track(RedisBudgetLedger ledger)
    {
        _disposables.Add(ledger);
        return ledger;
    }
}
