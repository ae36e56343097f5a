using BenchmarkDotNet.Attributes;
using IronRuntime.Budget;

namespace IronRuntime.Benchmarks.Budget;

/// <summary>One reservation and its settlement against a global and an agent limit: the budget's cost per call.</summary>
[MemoryDiagnoser]
public class BudgetReserveSettleBenchmark
{
    private readonly Lock _naiveLock = new();
    private InMemoryBudgetLedger _ledger = null!;
    private decimal _naiveSpent;

    [GlobalSetup]
    public void Setup()
    {
        _ledger = new InMemoryBudgetLedger([0.5m, 0.8m, 1.0m], TimeProvider.System);
        _ledger.SetLimit(null, 1_000_000m);
        _ledger.SetLimit("agent-1", 1_000_000m);
    }

    /// <summary>The floor: a lock and one decimal addition.</summary>
    [Benchmark(Baseline = true)]
    public decimal NaiveLockedAdd()
    {
        lock (_naiveLock)
        {
            _naiveSpent += 0.000123m;
            return _naiveSpent;
        }
    }

    /// <summary>Request with max tokens: fixed worst case.</summary>
    [Benchmark]
    public decimal ReserveAndSettle_FixedLimit()
    {
        _ledger.TryReserve("agent-1", 0.0000241m, 0.0000006m, 500, 500, out var r);
        _ledger.Settle(r, 0.000123m);
        return r.Amount;
    }

    /// <summary>Request without max tokens: the ledger picks the largest affordable limit.</summary>
    [Benchmark]
    public decimal ReserveAndSettle_ImposedLimit()
    {
        _ledger.TryReserve("agent-1", 0.0000241m, 0.0000006m, 1, 16_384, out var r);
        _ledger.Settle(r, 0.000123m);
        return r.Amount;
    }
}
