using BenchmarkDotNet.Attributes;
using IronRuntime.Router;
using IronRuntime.State;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace IronRuntime.Benchmarks.State;

/// <summary>
/// The dashboard's history queries over a state file of 1,000,000 call records (8 agents, 4 models, spread evenly
/// over 7 days), written once through the store's own background writer (which keeps the <c>spend_rollup</c> table).
/// Target: a spend series in ≤ 200 ms. Baseline: the same hourly series summed from the call records themselves.
/// The file is kept in the temp folder between runs (<c>ironruntime-bench-spend-v1.db</c>) so only the first run pays
/// for writing it.
/// </summary>
[MemoryDiagnoser]
public class SpendSeriesBenchmark
{
    private const int Records = 1_000_000;
    private static readonly DateTimeOffset End = new(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Models = ["gpt-4o-mini", "gpt-4o", "claude-haiku-4-5", "claude-sonnet-4-5"];
    private readonly string _db = Path.Combine(Path.GetTempPath(), "ironruntime-bench-spend-v1.db");
    private SqliteRuntimeStateStore _store = null!;

    [GlobalSetup]
    public void Setup()
    {
        if (!File.Exists(_db) || Count() != Records)
        {
            foreach (string file in new[] { _db, _db + "-wal", _db + "-shm" })
            {
                File.Delete(file);
            }

            Fill();
        }

        _store = new SqliteRuntimeStateStore(_db, 1024, TimeProvider.System, NullLogger.Instance);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        SqliteConnection.ClearAllPools();
    }

    /// <summary>Naive: the hourly series per agent over the 7 days, summed from the call records.</summary>
    [Benchmark(Baseline = true)]
    public int HourlyByAgentFromCallRecords()
    {
        using var connection = new SqliteConnection($"Data Source={_db};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (CAST(strftime('%s', ts) AS INTEGER) / 3600) * 3600 AS b, agent_id, count(*), sum(CAST(cost AS REAL))
            FROM calls WHERE ts >= $from AND ts < $to GROUP BY b, agent_id
            """;
        command.Parameters.AddWithValue("$from", End.AddDays(-7).UtcDateTime.ToString("O"));
        command.Parameters.AddWithValue("$to", End.UtcDateTime.ToString("O"));
        using var reader = command.ExecuteReader();
        int rows = 0;
        while (reader.Read())
        {
            rows++;
        }

        return rows;
    }

    /// <summary><c>GET /spend?by=agent&amp;bucket=hour</c> over the 7 days (168 buckets × 8 agents).</summary>
    [Benchmark]
    public int HourlyByAgent() => _store.QuerySpend(new SpendQuery(3600, End.AddDays(-7), End, ByModel: false, null, null)).Count;

    /// <summary><c>GET /spend?by=model&amp;bucket=minute</c> over the last 24 hours (1440 buckets × 4 models).</summary>
    [Benchmark]
    public int MinuteByModelLastDay() => _store.QuerySpend(new SpendQuery(60, End.AddDays(-1), End, ByModel: true, null, null)).Count;

    /// <summary><c>GET /spend?by=agent&amp;bucket=day</c> over the 7 days.</summary>
    [Benchmark]
    public int DailyByAgent() => _store.QuerySpend(new SpendQuery(86_400, End.AddDays(-7), End, ByModel: false, null, null)).Count;

    /// <summary><c>GET /calls?agent=agent-3&amp;model=claude-sonnet-4-5&amp;limit=50</c>: the newest page of one agent's calls of one model.</summary>
    [Benchmark]
    public int CallsPageOfOneAgentAndModel() => _store.QueryCalls(new CallQuery("agent-3", "claude-sonnet-4-5", null, null, null, 50)).Calls.Count;

    private long Count()
    {
        using var connection = new SqliteConnection($"Data Source={_db};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM calls";
        return (long)command.ExecuteScalar()!;
    }

    private void Fill()
    {
        var store = new SqliteRuntimeStateStore(_db, Records + 1, TimeProvider.System, NullLogger.Instance);
        long span = (long)TimeSpan.FromDays(7).TotalMilliseconds;
        for (int i = 0; i < Records; i++)
        {
            string model = Models[i % Models.Length];
            var usage = new TokenUsage(1000 + (i % 7), 200 + (i % 11));
            store.Append(new CallRecord(End.AddMilliseconds(-span + (span * i / Records)), "agent-" + (i % 8), model.StartsWith("claude", StringComparison.Ordinal) ? LlmProvider.Anthropic : LlmProvider.OpenAI,
                model, LlmCallOutcome.Succeeded, 200, usage, 0.00027m + (i % 5) * 0.000001m, 250 + (i % 100)));
        }

        store.FlushAsync().GetAwaiter().GetResult();
        store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        SqliteConnection.ClearAllPools();
    }
}
