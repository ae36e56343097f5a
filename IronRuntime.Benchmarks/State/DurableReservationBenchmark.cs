using System.Diagnostics;
using System.Runtime;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using IronRuntime.Budget;
using IronRuntime.State;
using Microsoft.Extensions.Logging.Abstractions;

namespace IronRuntime.Benchmarks.State;

/// <summary>
/// 200 calls in flight each make their reservation durable at once (SQLite WAL, synchronous=NORMAL, group commit).
/// One invocation = one burst of 200; it ends when the last of them is committed, so each iteration's time bounds the
/// latency of every call in the burst: the P99 column over the bursts bounds the p99 of the calls. The setup runs
/// bursts until the JIT is done with the path (<see cref="WarmUpUntilJitIsQuiet"/>): the figures are a warm host's.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(PercentileConfig))]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 5, iterationCount: 100, invocationCount: 1)]
public class DurableReservationBenchmark
{
    private const int InFlight = 200;
    private string _dir = null!;
    private SqliteRuntimeStateStore _store = null!;
    private InMemoryBudgetLedger _ledger = null!;
    private readonly Task<long>[] _reservations = new Task<long>[InFlight];

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("ironruntime-bench-").FullName;
        _store = new SqliteRuntimeStateStore(Path.Combine(_dir, "state.db"), 65_536, TimeProvider.System, NullLogger.Instance);
        _ledger = new InMemoryBudgetLedger([0.5m, 0.8m, 1.0m], TimeProvider.System);
        _ledger.SetLimit(null, 1_000_000m);
        if (Environment.GetEnvironmentVariable("DURABLE_COLD") != "1") // DURABLE_COLD=1: the five warm-up bursts alone, as before stop 11
        {
            WarmUpUntilJitIsQuiet();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>The same 200 reservations in memory only (state off): what durability adds to.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = InFlight)]
    public async Task InMemoryOnly()
    {
        for (int i = 0; i < InFlight; i++)
        {
            _reservations[i] = Task.Run(() =>
            {
                _ledger.TryReserve("agent-1", 0.0000241m, 0.0000006m, 500, 500, out var r);
                _ledger.Settle(r, 0m);
                return 0L;
            });
        }

        await Task.WhenAll(_reservations);
    }

    /// <summary>200 concurrent durable reservations, each released afterwards (written with the next burst).</summary>
    [Benchmark]
    public async Task Durable200InFlight()
    {
        for (int i = 0; i < InFlight; i++)
        {
            _reservations[i] = Task.Run(async () => await _store.ReserveAsync("agent-1", "gpt-4o-mini", 0.0003241m));
        }

        await Task.WhenAll(_reservations);
        foreach (var reservation in _reservations)
        {
            _store.Release(reservation.Result);
        }
    }

    /// <summary>
    /// Runs bursts until the JIT has compiled nothing for 250 ms (at most 20 s). Five warm-up iterations are ~3 ms of
    /// work, far less than tiered compilation needs (30 calls, then a 100 ms delay, then the optimized recompilation
    /// with PGO): its recompilations and call-counting pauses landed in the first measured bursts — the ~9 ms maximum
    /// and most of the P99 of runs without this warm-up (docs/performance.md, "Issue #8, durable reservations, stop 11").
    /// </summary>
    private void WarmUpUntilJitIsQuiet()
    {
        var clock = Stopwatch.StartNew();
        long compiled = JitInfo.GetCompiledMethodCount();
        var quietSince = clock.Elapsed;
        while (clock.Elapsed - quietSince < TimeSpan.FromMilliseconds(250) && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            Durable200InFlight().GetAwaiter().GetResult();
            long now = JitInfo.GetCompiledMethodCount();
            if (now != compiled)
            {
                (compiled, quietSince) = (now, clock.Elapsed);
            }
        }
    }

    private sealed class PercentileConfig : ManualConfig
    {
        public PercentileConfig() => AddColumn(StatisticColumn.Median, StatisticColumn.P95, P99Column.Instance, StatisticColumn.Max);
    }
}
