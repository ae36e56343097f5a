using IronRuntime.Budget;
using Microsoft.Extensions.Time.Testing;

namespace IronRuntime.Tests.Budget;

/// <summary>An open output range is cut to the units the budget affords, rounded down: never one token of overspend.</summary>
public sealed class LedgerAffordabilityTests
{
    private static InMemoryBudgetLedger CreateLedger() => new([0.5m, 0.8m, 1.0m], new FakeTimeProvider());

    [TestCase(1.00, 0.003, 333)]      // 333.33... units affordable: 333, not 334 ($1.002)
    [TestCase(0.10, 0.0000006, 166666)] // $0.10 at gpt-4o-mini's output price: 166666.67 tokens
    [TestCase(0.999, 0.001, 999)]     // exact: no rounding at all
    public void TryReserve_OpenRange_RoundsAffordableUnitsDown(decimal limit, decimal unitCost, long expectedUnits)
    {
        var ledger = CreateLedger();
        ledger.SetLimit(null, limit);

        bool ok = ledger.TryReserve("a", 0m, unitCost, 1, 10_000_000, out var reservation);

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.True);
            Assert.That(reservation.OutputTokens, Is.EqualTo(expectedUnits));
            Assert.That(reservation.Amount, Is.EqualTo(expectedUnits * unitCost));
            Assert.That(reservation.Amount, Is.LessThanOrEqualTo(limit), "the reservation never exceeds the limit");
        });
    }

    [Test]
    public void TryReserve_OpenRangeWithFixedCost_AgentLimitTighter_RoundsDownAgainstTheAgent()
    {
        var ledger = CreateLedger();
        ledger.SetLimit(null, 10m);
        ledger.SetLimit("a", 0.0105m);

        // $0.0005 fixed, then $0.01 left at $0.000003 a unit: 3333.33 units.
        bool ok = ledger.TryReserve("a", 0.0005m, 0.000003m, 1, 1_000_000, out var reservation);

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.True);
            Assert.That(reservation.OutputTokens, Is.EqualTo(3333));
            Assert.That(reservation.Amount, Is.EqualTo(0.010499m));
            Assert.That(ledger.GetSnapshot("a").Reserved, Is.LessThanOrEqualTo(0.0105m));
        });
    }

    [Test]
    public void TryReserve_MinimumAboveWhatIsAffordable_Denies()
    {
        var ledger = CreateLedger();
        ledger.SetLimit(null, 1.00m);

        Assert.That(ledger.TryReserve("a", 0m, 0.003m, 334, 1000, out _), Is.False, "334 units cost $1.002");
        Assert.That(ledger.GetSnapshot(null).Reserved, Is.Zero);
    }
}
