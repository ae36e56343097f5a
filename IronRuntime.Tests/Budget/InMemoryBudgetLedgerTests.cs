using IronRuntime.Budget;
using Microsoft.Extensions.Time.Testing;

namespace IronRuntime.Tests.Budget;

public class InMemoryBudgetLedgerTests
{
    private static InMemoryBudgetLedger CreateLedger(params decimal[] thresholds)
        => new(thresholds.Length == 0 ? [0.5m, 0.8m, 1.0m] : thresholds, new FakeTimeProvider());

    [Test]
    public void TryReserve_FixedUnitsWithinLimit_ReservesExactAmount()
    {
        var ledger = CreateLedger();
        ledger.SetLimit(null, 1m);

        bool ok = ledger.TryReserve("a", 0.1m, 0.001m, 100, 100, out var r);

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.True);
            Assert.That(r.Amount, Is.EqualTo(0.2m));
            Assert.That(r.OutputTokens, Is.EqualTo(100));
            Assert.That(ledger.GetSnapshot(null).Reserved, Is.EqualTo(0.2m));
            Assert.That(ledger.GetSnapshot("a").Reserved, Is.EqualTo(0.2m));
        });
    }

    [Test]
    public void TryReserve_FixedUnitsOverLimit_Denies()
    {
        var ledger = CreateLedger();
        ledger.SetLimit(null, 0.15m);

        Assert.That(ledger.TryReserve("a", 0.1m, 0.001m, 100, 100, out _), Is.False);
        Assert.That(ledger.GetSnapshot(null).Reserved, Is.Zero);
    }

    [Test]
    public void TryReserve_OpenRange_CapsUnitsToWhatTheTightestLimitAffords()
    {
        var ledger = CreateLedger();
        ledger.SetLimit(null, 10m);
        ledger.SetLimit("a", 0.5m);

        bool ok = ledger.TryReserve("a", 0.1m, 0.001m, 1, 100_000, out var r);

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.True);
            Assert.That(r.OutputTokens, Is.EqualTo(400));
            Assert.That(r.Amount, Is.EqualTo(0.5m));
        });
    }

    [Test]
    public void Settle_ReleasesReservationAndRecordsActualCost()
    {
        var ledger = CreateLedger();
        ledger.SetLimit("a", 1m);
        ledger.TryReserve("a", 0.1m, 0.01m, 10, 10, out var r);

        ledger.Settle(r, 0.05m);

        var snapshot = ledger.GetSnapshot("a");
        Assert.Multiple(() =>
        {
            Assert.That(snapshot.Reserved, Is.Zero);
            Assert.That(snapshot.Spent, Is.EqualTo(0.05m));
            Assert.That(snapshot.Remaining, Is.EqualTo(0.95m));
            Assert.That(ledger.GetSnapshot(null).Spent, Is.EqualTo(0.05m));
        });
    }

    [Test]
    public void TryReserve_OneAgentExhausted_OtherAgentUnaffected()
    {
        var ledger = CreateLedger();
        ledger.SetLimit("a", 0.1m);
        ledger.SetLimit("b", 0.1m);
        ledger.TryReserve("a", 0.1m, 0m, 0, 0, out var r);
        ledger.Settle(r, 0.1m);

        Assert.Multiple(() =>
        {
            Assert.That(ledger.TryReserve("a", 0.01m, 0m, 0, 0, out _), Is.False);
            Assert.That(ledger.TryReserve("b", 0.01m, 0m, 0, 0, out _), Is.True);
        });
    }

    [Test]
    public void Settle_CrossingThresholds_RaisesEachOnce()
    {
        var ledger = CreateLedger(0.5m, 0.8m, 1.0m);
        ledger.SetLimit(null, 1m);
        var alerts = new List<BudgetAlert>();
        ledger.ThresholdCrossed += (_, a) => alerts.Add(a);

        foreach (var cost in new[] { 0.3m, 0.3m, 0.1m, 0.1m, 0.05m, 0.3m })
        {
            ledger.TryReserve(null, 0m, 0m, 0, 0, out var r);
            ledger.Settle(r, cost);
        }

        Assert.That(alerts.Select(a => a.Threshold), Is.EqualTo(new[] { 0.5m, 0.8m, 1.0m }));
        Assert.That(alerts.All(a => a.AgentId is null && a.Limit == 1m), Is.True);
    }

    [Test]
    public void Settle_JumpOverSeveralThresholds_RaisesOneAlertForTheHighest()
    {
        var ledger = CreateLedger(0.5m, 0.8m);
        ledger.SetLimit("a", 1m);
        var alerts = new List<BudgetAlert>();
        ledger.ThresholdCrossed += (_, a) => alerts.Add(a);

        ledger.TryReserve("a", 0m, 0m, 0, 0, out var r);
        ledger.Settle(r, 0.9m);

        Assert.That(alerts, Has.Count.EqualTo(1));
        Assert.That(alerts[0].Threshold, Is.EqualTo(0.8m));
        Assert.That(alerts[0].AgentId, Is.EqualTo("a"));
    }

    [Test]
    public void TryReserve_ConcurrentCallers_NeverOverspend([Values(1, 2, 3, 4, 5)] int round)
    {
        var ledger = CreateLedger();
        const decimal perCall = 0.013m;
        const int fits = 37;
        ledger.SetLimit(null, (perCall * fits) + (perCall / 2));
        int admitted = 0;

        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            if (ledger.TryReserve("agent-" + (round % 3), perCall, 0m, 0, 0, out var r))
            {
                Interlocked.Increment(ref admitted);
                ledger.Settle(r, perCall);
            }
        });

        Assert.That(admitted, Is.EqualTo(fits));
        Assert.That(ledger.GetSnapshot(null).Spent, Is.EqualTo(perCall * fits));
    }

    [Test]
    public void SetLimit_Negative_Throws()
        => Assert.That(() => CreateLedger().SetLimit("a", -1m), Throws.TypeOf<ArgumentOutOfRangeException>()
            .With.Property(nameof(ArgumentOutOfRangeException.ParamName)).EqualTo("limit")
            .And.Message.StartsWith("A budget limit cannot be negative."));

    [Test]
    public void Charge_AgentSpend_CountsForAgentAndGlobalWithoutAReservation()
    {
        var ledger = CreateLedger();
        ledger.SetLimit(null, 1m);
        ledger.SetLimit("a", 0.5m);
        var alerts = new List<BudgetAlert>();
        ledger.ThresholdCrossed += (_, alert) => alerts.Add(alert);

        ledger.Charge("a", 0.45m);
        ledger.Charge(null, 0.1m);

        Assert.Multiple(() =>
        {
            Assert.That(ledger.GetSnapshot("a"), Is.EqualTo(new BudgetSnapshot("a", 0.5m, 0.45m, 0m)));
            Assert.That(ledger.GetSnapshot(null), Is.EqualTo(new BudgetSnapshot(null, 1m, 0.55m, 0m)));
            Assert.That(ledger.TryReserve("a", 0.06m, 0m, 0, 0, out _), Is.False, "the charge counts against the agent's limit");
            Assert.That(alerts.Select(a => (a.AgentId, a.Threshold)), Is.EquivalentTo(new (string?, decimal)[] { ("a", 0.8m), (null, 0.5m) }));
            Assert.That(() => ledger.Charge("a", -1m), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }
}
