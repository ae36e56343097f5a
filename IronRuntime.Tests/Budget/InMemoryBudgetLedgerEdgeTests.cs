using IronRuntime.Budget;
using Microsoft.Extensions.Time.Testing;

namespace IronRuntime.Tests.Budget;

/// <summary>
/// The in-memory ledger at its edges: a reservation that fits to the last cent, free units, fixed costs above the
/// room, limits of zero, snapshots of unknown agents, alerts re-armed by a new limit, alert contents.
/// </summary>
public sealed class InMemoryBudgetLedgerEdgeTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void TryReserve_OpenRangeThatFitsExactly_GetsTheWholeRange()
    {
        var ledger = Ledger();
        ledger.SetLimit(null, 1m);

        // 0.2 fixed + 800 * 0.001 = 1.0: exactly the limit.
        bool ok = ledger.TryReserve(null, 0.2m, 0.001m, 1, 800, out BudgetReservation r);

        Assert.That(ok, Is.True);
        Assert.That((r.OutputTokens, r.Amount), Is.EqualTo((800L, 1.0m)));
    }

    [Test]
    public void TryReserve_FixedRangeThatFitsExactly_IsAdmitted()
    {
        var ledger = Ledger();
        ledger.SetLimit("a", 0.3m);

        bool ok = ledger.TryReserve("a", 0.1m, 0.001m, 200, 200, out BudgetReservation r);

        Assert.That(ok, Is.True);
        Assert.That(r.Amount, Is.EqualTo(0.3m));
    }

    [Test]
    public void TryReserve_FixedCostAboveTheRoom_IsDeniedEvenWithNoUnits()
    {
        var ledger = Ledger();
        ledger.SetLimit(null, 0.1m);

        Assert.That(ledger.TryReserve(null, 0.11m, 0.001m, 0, 10, out _), Is.False);
        Assert.That(ledger.GetSnapshot(null).Reserved, Is.Zero);
    }

    [Test]
    public void TryReserve_FixedCostEqualToTheRoom_GetsZeroUnitsOfAnOpenRange()
    {
        var ledger = Ledger();
        ledger.SetLimit(null, 0.1m);

        bool ok = ledger.TryReserve(null, 0.1m, 0.001m, 0, 10, out BudgetReservation r);

        Assert.That(ok, Is.True);
        Assert.That((r.OutputTokens, r.Amount), Is.EqualTo((0L, 0.1m)));
    }

    [Test]
    public void TryReserve_FreeUnits_GetTheWholeRangeWhateverTheRoom()
    {
        var ledger = Ledger();
        ledger.SetLimit(null, 0.01m);

        bool ok = ledger.TryReserve(null, 0m, 0m, 1, long.MaxValue / 2, out BudgetReservation r);

        Assert.That(ok, Is.True);
        Assert.That((r.OutputTokens, r.Amount), Is.EqualTo((long.MaxValue / 2, 0m)));
    }

    [Test]
    public void TryReserve_OneUnitMoreThanTheRoomAffords_IsCappedOrDenied()
    {
        var ledger = Ledger();
        ledger.SetLimit(null, 0.5m);

        // 0.5 / 0.001 = 500 units; asking for 501 at most gets 500, asking for exactly 501 is denied.
        bool open = ledger.TryReserve(null, 0m, 0.001m, 1, 501, out BudgetReservation capped);
        ledger.Settle(capped, 0m);
        bool fixedRange = ledger.TryReserve(null, 0m, 0.001m, 501, 501, out _);

        Assert.That(open, Is.True);
        Assert.That(capped.OutputTokens, Is.EqualTo(500));
        Assert.That(fixedRange, Is.False);
    }

    [Test]
    public void TryReserve_GlobalDenies_AgentLimitIsNotReserved()
    {
        var ledger = Ledger();
        ledger.SetLimit(null, 0.05m);
        ledger.SetLimit("a", 10m);

        Assert.That(ledger.TryReserve("a", 0m, 0.001m, 100, 100, out _), Is.False);
        Assert.That(ledger.GetSnapshot("a").Reserved, Is.Zero);
        Assert.That(ledger.GetSnapshot(null).Reserved, Is.Zero);
    }

    [Test]
    public void TryReserve_AgentWithoutLimitUnderAGlobalLimit_IsCappedByTheGlobalOne()
    {
        var ledger = Ledger();
        ledger.SetLimit(null, 0.25m);

        bool ok = ledger.TryReserve("a", 0m, 0.001m, 1, 1_000, out BudgetReservation r);

        Assert.That(ok, Is.True);
        Assert.That(r.OutputTokens, Is.EqualTo(250));
        Assert.That(ledger.GetSnapshot("a").Reserved, Is.EqualTo(0.25m));
    }

    [Test]
    public void TryReserve_NoLimitAnywhere_GetsTheWholeRange()
    {
        var ledger = Ledger();

        bool ok = ledger.TryReserve("a", 1m, 1m, 5, 7, out BudgetReservation r);

        Assert.That(ok, Is.True);
        Assert.That((r.OutputTokens, r.Amount), Is.EqualTo((7L, 8m)));
    }

    [Test]
    public void SetLimit_Zero_IsALimitThatAdmitsOnlyFreeCalls()
    {
        var ledger = Ledger();
        ledger.SetLimit(null, 0m);

        Assert.That(ledger.HasLimit(null), Is.True);
        Assert.That(ledger.TryReserve(null, 0m, 0.001m, 1, 1, out _), Is.False);
        Assert.That(ledger.TryReserve(null, 0m, 0m, 1, 1, out _), Is.True);
    }

    [Test]
    public void HasLimit_IsTrueForAGlobalOrTheAgentsOwnLimitOnly()
    {
        var ledger = Ledger();
        ledger.SetLimit("a", 1m);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ledger.HasLimit("a"), Is.True);
            Assert.That(ledger.HasLimit("b"), Is.False);
            Assert.That(ledger.HasLimit(null), Is.False);
        }

        ledger.SetLimit("a", null);
        Assert.That(ledger.HasLimit("a"), Is.False, "the limit was removed");
        ledger.SetLimit(null, 5m);
        Assert.That(ledger.HasLimit("b"), Is.True, "the global limit applies to every agent");
    }

    [Test]
    public void GetSnapshot_UnknownAgent_IsEmptyWithoutLimit()
    {
        var ledger = Ledger();
        ledger.SetLimit(null, 3m);

        BudgetSnapshot snapshot = ledger.GetSnapshot("nobody");

        Assert.That(snapshot, Is.EqualTo(new BudgetSnapshot("nobody", null, 0m, 0m)));
    }

    [Test]
    public void GetSnapshot_AfterAReservationAndASettle_ShowsLimitSpentAndReserved()
    {
        var ledger = Ledger();
        ledger.SetLimit("a", 2m);
        ledger.TryReserve("a", 0m, 0.01m, 10, 10, out BudgetReservation first);
        ledger.TryReserve("a", 0m, 0.01m, 30, 30, out _);
        ledger.Settle(first, 0.04m);

        Assert.That(ledger.GetSnapshot("a"), Is.EqualTo(new BudgetSnapshot("a", 2m, 0.04m, 0.3m)));
        Assert.That(ledger.GetSnapshot(null), Is.EqualTo(new BudgetSnapshot(null, null, 0.04m, 0.3m)));
    }

    [Test]
    public void Charge_Negative_Throws()
    {
        var ledger = Ledger();

        Assert.That(() => ledger.Charge("a", -0.01m), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Alert_CarriesTheSpendTheLimitAndTheTimeOfTheSettle()
    {
        var time = new FakeTimeProvider(Start);
        var ledger = new InMemoryBudgetLedger([0.5m], time);
        ledger.SetLimit("a", 2m);
        var alerts = new List<BudgetAlert>();
        ledger.ThresholdCrossed += (_, a) => alerts.Add(a);
        time.Advance(TimeSpan.FromMinutes(3));

        ledger.Charge("a", 1.25m);

        Assert.That(alerts, Has.Count.EqualTo(1));
        Assert.That(
            (alerts[0].AgentId, alerts[0].Threshold, alerts[0].Spent, alerts[0].Limit, alerts[0].Timestamp),
            Is.EqualTo(("a", 0.5m, 1.25m, 2m, Start.AddMinutes(3))));
    }

    [Test]
    public void Alert_SpendExactlyAtTheThreshold_Fires()
    {
        var ledger = Ledger(0.5m);
        ledger.SetLimit(null, 2m);
        var alerts = new List<BudgetAlert>();
        ledger.ThresholdCrossed += (_, a) => alerts.Add(a);

        ledger.Charge(null, 0.99m);
        Assert.That(alerts, Is.Empty);
        ledger.Charge(null, 0.01m);

        Assert.That(alerts.Select(a => a.Threshold), Is.EqualTo(new[] { 0.5m }));
    }

    [Test]
    public void Alert_GlobalAndAgentThresholds_FireOnePerAccount()
    {
        var ledger = Ledger(0.5m, 0.9m);
        ledger.SetLimit(null, 10m);
        ledger.SetLimit("a", 1m);
        var alerts = new List<BudgetAlert>();
        ledger.ThresholdCrossed += (_, a) => alerts.Add(a);

        ledger.Charge("a", 0.95m);
        ledger.Charge("b", 4.5m);

        Assert.That(alerts.Select(a => (a.AgentId, a.Threshold)), Is.EqualTo(new (string?, decimal)[] { ("a", 0.9m), (null, 0.5m) }));
    }

    [Test]
    public void Alert_ThresholdsGivenOutOfOrder_FireInAscendingOrder()
    {
        var ledger = Ledger(1.0m, 0.5m, 0.8m);
        ledger.SetLimit(null, 1m);
        var alerts = new List<BudgetAlert>();
        ledger.ThresholdCrossed += (_, a) => alerts.Add(a);

        ledger.Charge(null, 0.6m);
        ledger.Charge(null, 0.25m);
        ledger.Charge(null, 0.2m);

        Assert.That(alerts.Select(a => a.Threshold), Is.EqualTo(new[] { 0.5m, 0.8m, 1.0m }));
    }

    // 0.6 of a 1.0 limit is past 50 %; 0.5 is exactly 50 %, reached already (as a settle reaching it would have
    // alerted): either way only 80 % is still to come.
    [TestCase("0.6")]
    [TestCase("0.5")]
    public void SetLimit_AfterSpending_ArmsOnlyTheThresholdsNotYetPassed(string spentText)
    {
        decimal spent = decimal.Parse(spentText, System.Globalization.CultureInfo.InvariantCulture);
        var ledger = Ledger(0.5m, 0.8m);
        ledger.Charge("a", spent);
        var alerts = new List<BudgetAlert>();
        ledger.ThresholdCrossed += (_, a) => alerts.Add(a);

        ledger.SetLimit("a", 1m);
        ledger.Charge("a", 0.7m - spent);
        Assert.That(alerts, Is.Empty);
        ledger.Charge("a", 0.1m);

        Assert.That(alerts.Select(a => a.Threshold), Is.EqualTo(new[] { 0.8m }));
    }

    [Test]
    public void SetLimit_Raised_RearmsThresholdsForTheNewLimit()
    {
        var ledger = Ledger(0.5m);
        ledger.SetLimit(null, 1m);
        var alerts = new List<BudgetAlert>();
        ledger.ThresholdCrossed += (_, a) => alerts.Add(a);
        ledger.Charge(null, 0.6m);

        ledger.SetLimit(null, 4m);
        ledger.Charge(null, 1.3m);
        Assert.That(alerts, Has.Count.EqualTo(1), "1.9 of 4 is below 50 %");
        ledger.Charge(null, 0.1m);

        Assert.That(alerts.Select(a => (a.Threshold, a.Limit)), Is.EqualTo(new[] { (0.5m, 1m), (0.5m, 4m) }));
    }

    [Test]
    public void Alert_NoLimit_NeverFires()
    {
        var ledger = Ledger(0.5m);
        var alerts = new List<BudgetAlert>();
        ledger.ThresholdCrossed += (_, a) => alerts.Add(a);

        ledger.Charge("a", 1_000_000m);
        ledger.Charge(null, 1_000_000m);

        Assert.That(alerts, Is.Empty);
    }

    [Test]
    public void TryReserve_FixedRangeTheGlobalLimitFitsExactly_IsStillHeldToTheAgentsLimit()
    {
        var ledger = Ledger();
        ledger.SetLimit(null, 1m);
        ledger.SetLimit("a", 0.5m);

        // 100 units at 0.01: exactly the global room, twice the agent's.
        Assert.That(ledger.TryReserve("a", 0m, 0.01m, 100, 100, out _), Is.False);
        Assert.That((ledger.GetSnapshot(null).Reserved, ledger.GetSnapshot("a").Reserved), Is.EqualTo((0m, 0m)));
    }

    [Test]
    public void Alert_AgentSpendExactlyAtItsThreshold_Fires()
    {
        var ledger = Ledger(0.5m);
        ledger.SetLimit("a", 2m);
        var alerts = new List<BudgetAlert>();
        ledger.ThresholdCrossed += (_, a) => alerts.Add(a);

        ledger.Charge("a", 0.99m);
        Assert.That(alerts, Is.Empty);
        ledger.Charge("a", 0.01m);

        Assert.That(alerts.Select(a => (a.AgentId, a.Threshold, a.Spent)), Is.EqualTo(new (string?, decimal, decimal)[] { ("a", 0.5m, 1m) }));
    }

    [Test]
    public void Settle_AgentCall_ReleasesTheAgentsAndTheGlobalReservationAndChargesBoth()
    {
        var ledger = Ledger();
        ledger.SetLimit("a", 1m);
        Assert.That(ledger.TryReserve("a", 0.3m, 0m, 0, 0, out var r), Is.True);

        ledger.Settle(r, 0.2m);

        Assert.Multiple(() =>
        {
            Assert.That(ledger.GetSnapshot("a"), Is.EqualTo(new BudgetSnapshot("a", 1m, 0.2m, 0m)));
            Assert.That(ledger.GetSnapshot(null), Is.EqualTo(new BudgetSnapshot(null, null, 0.2m, 0m)));
        });
    }

    private static InMemoryBudgetLedger Ledger(params decimal[] thresholds)
        => new(thresholds.Length == 0 ? [0.5m, 0.8m, 1.0m] : thresholds, new FakeTimeProvider(Start));
}
