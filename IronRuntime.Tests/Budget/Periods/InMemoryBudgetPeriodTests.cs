using IronRuntime.Budget;
using IronRuntime.Budget.Periods;
using Microsoft.Extensions.Time.Testing;

namespace IronRuntime.Tests.Budget.Periods;

/// <summary>Budget periods in the in-memory ledger: Paris (UTC+1 in November), day ending at 2026-11-26T23:00:00Z.</summary>
public sealed class InMemoryBudgetPeriodTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    /// <summary>23:59:59.5 in Paris on 2026-11-26: the day ends half a second later.</summary>
    private static FakeTimeProvider HalfASecondBeforeMidnight() => new(new DateTimeOffset(2026, 11, 26, 22, 59, 59, 500, TimeSpan.Zero));

    [Test]
    public void Daily_AfterMidnightInTheZone_SpendStartsAtZeroAndTheLimitsStay()
    {
        var time = HalfASecondBeforeMidnight();
        var ledger = new InMemoryBudgetLedger([], time, BudgetPeriod.Daily, Paris);
        ledger.SetLimit(null, 1m);
        ledger.SetLimit("a", 0.5m);
        Assert.That(ledger.TryReserve("a", 0.4m, 0m, 0, 0, out var r), Is.True);
        ledger.Settle(r, 0.3m);

        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Multiple(() =>
        {
            Assert.That(ledger.GetSnapshot(null), Is.EqualTo(new BudgetSnapshot(null, 1m, 0m, 0m)));
            Assert.That(ledger.GetSnapshot("a"), Is.EqualTo(new BudgetSnapshot("a", 0.5m, 0m, 0m)));
            Assert.That(ledger.HasLimit("a"), Is.True);
            Assert.That(ledger.TryReserve("a", 0.5m, 0m, 0, 0, out _), Is.True, "the agent's whole limit is free again");
        });
    }

    [Test]
    public void CallReservedBeforeMidnight_SettledAfter_IsChargedToTheOldDayOnly()
    {
        var time = HalfASecondBeforeMidnight();
        var ledger = new InMemoryBudgetLedger([], time, BudgetPeriod.Daily, Paris);
        ledger.SetLimit(null, 1m);
        Assert.That(ledger.TryReserve("a", 0.9m, 0m, 0, 0, out var straddling), Is.True);

        time.Advance(TimeSpan.FromSeconds(1));
        bool newDayFitsWhole = ledger.TryReserve("b", 1m, 0m, 0, 0, out var fresh);
        ledger.Settle(straddling, 0.7m);
        var afterSettle = ledger.GetSnapshot(null);
        ledger.Settle(fresh, 0m);

        Assert.Multiple(() =>
        {
            Assert.That(newDayFitsWhole, Is.True, "the old day's reservation does not hold the new day's money");
            Assert.That(afterSettle, Is.EqualTo(new BudgetSnapshot(null, 1m, 0m, 1m)), "nor is its charge the new day's");
        });
    }

    [Test]
    public async Task ConcurrentCallsStraddleMidnight_EachChargedOnceToThePeriodItWasReservedIn()
    {
        var time = HalfASecondBeforeMidnight();
        var ledger = new InMemoryBudgetLedger([0.36m, 0.6m], time, BudgetPeriod.Daily, Paris);
        ledger.SetLimit(null, 0.0001m); // 100 calls a day: each reserves 0.000001 and is charged 0.0000006
        var alerts = new System.Collections.Concurrent.ConcurrentBag<BudgetAlert>();
        ledger.ThresholdCrossed += (_, alert) => alerts.Add(alert);

        var before = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => Task.Run(() => (ledger.TryReserve(null, 0.000001m, 0m, 0, 0, out var r), r))));
        var settling = before.Take(30).Select(r => Task.Run(() => ledger.Settle(r.r, 0.0000006m))).ToList();
        time.Advance(TimeSpan.FromSeconds(1)); // midnight in Paris, while calls are being reserved and settled
        var after = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(() => (ledger.TryReserve(null, 0.000001m, 0m, 0, 0, out var r), r))));
        settling.AddRange(before.Skip(30).Concat(after).Select(r => Task.Run(() => ledger.Settle(r.r, 0.0000006m))));
        await Task.WhenAll(settling);

        // The 26th: 60 × 0.0000006 = 0.000036, 36 % of its limit (one alert). The 27th: 100 calls, 60 % (alerts at 36 % and 60 %).
        // A charge lost on the 26th leaves it below 36 %; a charge of the 26th counted on the 27th shows in its spend.
        Assert.Multiple(() =>
        {
            Assert.That(before.Concat(after).All(r => r.Item1), Is.True, "a new day starts from an empty account: 100 fit again");
            Assert.That(ledger.GetSnapshot(null), Is.EqualTo(new BudgetSnapshot(null, 0.0001m, 0.00006m, 0m)), "the 27th: its 100 calls, nothing held");
            Assert.That(alerts.Select(a => (a.Threshold, a.Spent)).Order(),
                Is.EqualTo(new[] { (0.36m, 0.000036m), (0.36m, 0.000036m), (0.6m, 0.00006m) }));
        });
    }

    [Test]
    public void Charge_AfterMidnight_CountsInTheNewDay()
    {
        var time = HalfASecondBeforeMidnight();
        var ledger = new InMemoryBudgetLedger([], time, BudgetPeriod.Daily, Paris);
        ledger.SetLimit(null, 1m);
        ledger.SetLimit("a", 0.5m);
        ledger.Charge("a", 0.4m);

        time.Advance(TimeSpan.FromSeconds(1));
        ledger.Charge("a", 0.2m);
        ledger.Charge(null, 0.1m);

        Assert.Multiple(() =>
        {
            Assert.That(ledger.GetSnapshot("a"), Is.EqualTo(new BudgetSnapshot("a", 0.5m, 0.2m, 0m)));
            Assert.That(ledger.GetSnapshot(null), Is.EqualTo(new BudgetSnapshot(null, 1m, 0.3m, 0m)));
        });
    }

    [Test]
    public void SettleOfAReservationHoldingNoAccount_AfterMidnight_CountsInTheNewDay()
    {
        var time = HalfASecondBeforeMidnight();
        var ledger = new InMemoryBudgetLedger([], time, BudgetPeriod.Daily, Paris);
        ledger.SetLimit(null, 1m);
        ledger.Charge(null, 0.4m);

        time.Advance(TimeSpan.FromSeconds(1));
        ledger.Settle(default, 0.25m);

        Assert.That(ledger.GetSnapshot(null), Is.EqualTo(new BudgetSnapshot(null, 1m, 0.25m, 0m)));
    }

    [Test]
    public void NewDay_AnAgentsAccount_HasItsLimitAndItsThresholds()
    {
        var time = HalfASecondBeforeMidnight();
        var ledger = new InMemoryBudgetLedger([0.5m], time, BudgetPeriod.Daily, Paris);
        ledger.SetLimit("a", 1m);
        var alerts = new List<BudgetAlert>();
        ledger.ThresholdCrossed += (_, alert) => alerts.Add(alert);

        time.Advance(TimeSpan.FromSeconds(1));
        bool fits = ledger.TryReserve("a", 0.8m, 0m, 0, 0, out var held);
        bool beyond = ledger.TryReserve("a", 0.3m, 0m, 0, 0, out _);
        ledger.Settle(held, 0.6m);

        Assert.Multiple(() =>
        {
            Assert.That((fits, beyond), Is.EqualTo((true, false)), "the new day's account holds the agent to its limit of 1");
            Assert.That(alerts.Select(a => (a.AgentId, a.Threshold, a.Spent, a.Limit)), Is.EqualTo(new (string?, decimal, decimal, decimal)[] { ("a", 0.5m, 0.6m, 1m) }));
        });
    }

    [Test]
    public void SetLimit_AfterMidnight_IsTheNewDays_WhileTheOldDaysCallsSettleUnderTheOldLimit()
    {
        var time = HalfASecondBeforeMidnight();
        var ledger = new InMemoryBudgetLedger([0.5m], time, BudgetPeriod.Daily, Paris);
        ledger.SetLimit(null, 1m);
        Assert.That(ledger.TryReserve(null, 0.3m, 0m, 0, 0, out var straddling), Is.True);
        var alerts = new List<BudgetAlert>();
        ledger.ThresholdCrossed += (_, alert) => alerts.Add(alert);

        time.Advance(TimeSpan.FromSeconds(1));
        ledger.SetLimit(null, 0.2m);
        ledger.Settle(straddling, 0.2m);
        var afterSettle = alerts.Count;
        ledger.Charge(null, 0.1m);

        // The 26th: 0.2 of its limit of 1 is below 50 %. The 27th: 0.1 of 0.2 is 50 %.
        Assert.Multiple(() =>
        {
            Assert.That(afterSettle, Is.Zero, "the old day's call is counted against the old day's limit");
            Assert.That(alerts.Select(a => (a.Threshold, a.Spent, a.Limit)), Is.EqualTo(new (decimal, decimal, decimal)[] { (0.5m, 0.1m, 0.2m) }));
            Assert.That(ledger.GetSnapshot(null), Is.EqualTo(new BudgetSnapshot(null, 0.2m, 0.1m, 0m)));
        });
    }

    [TestCase(BudgetPeriod.Daily, "2026-11-26T12:00:00Z", "Europe/Paris", "2026-11-25T23:00:00Z", "2026-11-26T23:00:00Z")]
    [TestCase(BudgetPeriod.Weekly, "2026-11-29T23:30:00Z", "UTC", "2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z")]
    [TestCase(BudgetPeriod.Monthly, "2026-11-30T23:30:00Z", "Asia/Tokyo", "2026-11-30T15:00:00Z", "2026-12-31T15:00:00Z")]
    [TestCase(BudgetPeriod.Daily, "2026-03-29T12:00:00Z", "Europe/Paris", "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z")] // 23-hour day (summer time)
    public void Bounds_AreLocalMidnightsInTheZone(BudgetPeriod period, string now, string zone, string start, string end)
    {
        var bounds = BudgetPeriods.Bounds(period, TimeZoneInfo.FindSystemTimeZoneById(zone), DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));

        Assert.That(bounds, Is.EqualTo((DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse(end, System.Globalization.CultureInfo.InvariantCulture))));
    }
}
