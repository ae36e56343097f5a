using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using IronRuntime.State;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace IronRuntime.Benchmarks.State;

/// <summary>
/// A runtime starting on a state file with 1,000,000 call records until its metrics and budgets are restored
/// (<see cref="AgentRuntime.GetTotals"/> answers): the totals are read from the store's <c>totals</c> table. Baseline:
/// summing the call records at start, as a store without kept totals must.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 10, invocationCount: 1)]
public class StartupRestoreBenchmark
{
    private const int Records = 1_000_000;
    private string _dir = null!;
    private string _db = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("ironruntime-bench-").FullName;
        _db = Path.Combine(_dir, "state.db");
        var store = new SqliteRuntimeStateStore(_db, 65_536, TimeProvider.System, NullLogger.Instance);
        _ = store.Load(); // creates the schema
        store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        using var connection = new SqliteConnection($"Data Source={_db};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {Records})
            INSERT INTO calls (ts, agent_id, provider, model, outcome, status, input_tokens, output_tokens, cached_input_tokens,
                               cache_creation_input_tokens, reasoning_tokens, cost, duration_ms)
            SELECT '2026-11-26T00:00:00.0000000Z', 'agent-' || (x % 50), 'OpenAI', 'gpt-4o-mini', 'Succeeded', 200, 40, 100, 0, 0, 0, '0.000066', 12.5 FROM n;
            INSERT OR REPLACE INTO totals SELECT coalesce(agent_id, ''), count(*), count(*), 0, 0, sum(input_tokens), sum(output_tokens), 0, 0, 0, 0, 0, 0,
                   CAST(count(*) * 0.000066 AS TEXT) FROM calls GROUP BY agent_id;
            INSERT OR REPLACE INTO totals SELECT '', count(*), count(*), 0, 0, sum(input_tokens), sum(output_tokens), 0, 0, 0, 0, 0, 0, '{(Records * 0.000066m).ToString(CultureInfo.InvariantCulture)}' FROM calls;
            """;
        command.ExecuteNonQuery();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Naive: sum every call record at start (exact decimal spend per agent).</summary>
    [Benchmark(Baseline = true)]
    public decimal SumCallRecordsAtStart()
    {
        using var connection = new SqliteConnection($"Data Source={_db};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT agent_id, input_tokens, output_tokens, cost FROM calls";
        using var reader = command.ExecuteReader();
        var spent = new Dictionary<string, (long Requests, long In, long Out, decimal Cost)>(StringComparer.Ordinal);
        decimal total = 0m;
        while (reader.Read())
        {
            string agent = reader.GetString(0);
            decimal cost = decimal.Parse(reader.GetString(3), NumberStyles.Number, CultureInfo.InvariantCulture);
            var s = spent.GetValueOrDefault(agent);
            spent[agent] = (s.Requests + 1, s.In + reader.GetInt64(1), s.Out + reader.GetInt64(2), s.Cost + cost);
            total += cost;
        }

        return total;
    }

    /// <summary>Build the runtime on the file and restore (store opened, totals read, budgets charged, metrics set).</summary>
    [Benchmark]
    public async Task<long> RuntimeReadyWithMillionRecords()
    {
        await using var runtime = AgentRuntime.CreateBuilder().UseSqliteState(_db).Build();
        return runtime.GetTotals().Requests;
    }
}
