using Microsoft.Data.Sqlite;

namespace IronRuntime.State;

/// <summary>
/// Spend per minute and per hour, per agent and model, kept beside the call records in the <c>spend_rollup</c> table
/// by the writer (one upsert per row touched by a batch), so a spend series reads at most a few thousand rows whatever
/// the number of calls. Cost is kept as an integer number of picodollars (10⁻¹² USD), exact for every price in the
/// pricing table and summed exactly by SQLite.
/// </summary>
internal sealed class SpendRollup
{
    /// <summary>Picodollars per USD.</summary>
    public const decimal Scale = 1_000_000_000_000m;

    /// <summary>Seconds per rollup granularity: a minute and an hour (days are summed from hours).</summary>
    public static readonly int[] Granularities = [60, 3600];

    private readonly Dictionary<(int Granularity, long Bucket, string Agent, string Model), Row> _rows = [];

    public const string CreateTable = """
        CREATE TABLE IF NOT EXISTS spend_rollup (
            granularity INTEGER NOT NULL,
            bucket INTEGER NOT NULL,
            agent_id TEXT NOT NULL,
            model TEXT NOT NULL,
            requests INTEGER NOT NULL,
            input_tokens INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            cost_pico INTEGER NOT NULL,
            PRIMARY KEY (granularity, bucket, agent_id, model)) WITHOUT ROWID;
        """;

    /// <summary>Fills the rollup from the call records of a file written before it existed (costs rounded to a picodollar).</summary>
    public static string Backfill => string.Join(";\n", Granularities.Select(g => $"""
        INSERT INTO spend_rollup (granularity, bucket, agent_id, model, requests, input_tokens, output_tokens, cost_pico)
        SELECT {g}, (CAST(strftime('%s', ts) AS INTEGER) / {g}) * {g}, coalesce(agent_id, ''), model, count(*),
               sum(input_tokens), sum(output_tokens), sum(CAST(round(CAST(cost AS REAL) * 1e12) AS INTEGER))
        FROM calls GROUP BY 2, 3, 4
        """));

    /// <summary>Forgets what was accumulated (a batch that failed).</summary>
    public void Clear() => _rows.Clear();

    /// <summary>Converts USD to picodollars (rounded half away from zero past the twelfth decimal).</summary>
    public static long ToPico(decimal usd) => (long)decimal.Round(usd * Scale, MidpointRounding.AwayFromZero);

    /// <summary>Converts picodollars to USD.</summary>
    public static decimal FromPico(long pico) => pico / Scale;

    public void Add(DateTimeOffset timestamp, string? agentId, string model, long inputTokens, long outputTokens, decimal cost)
    {
        long seconds = timestamp.ToUnixTimeSeconds();
        long pico = ToPico(cost);
        foreach (int granularity in Granularities)
        {
            var key = (granularity, seconds - (((seconds % granularity) + granularity) % granularity), agentId ?? "", model);
            var row = _rows.TryGetValue(key, out var existing) ? existing : new Row();
            row.Requests++;
            row.InputTokens += inputTokens;
            row.OutputTokens += outputTokens;
            row.CostPico += pico;
            _rows[key] = row;
        }
    }

    /// <summary>Adds what was accumulated to the table and starts over.</summary>
    public void Write(SqliteConnection connection, SqliteTransaction transaction)
    {
        if (_rows.Count == 0)
        {
            return;
        }

        using var upsert = connection.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText = """
            INSERT INTO spend_rollup (granularity, bucket, agent_id, model, requests, input_tokens, output_tokens, cost_pico)
            VALUES ($g, $b, $a, $m, $r, $in, $out, $c)
            ON CONFLICT (granularity, bucket, agent_id, model) DO UPDATE SET
                requests = requests + excluded.requests, input_tokens = input_tokens + excluded.input_tokens,
                output_tokens = output_tokens + excluded.output_tokens, cost_pico = cost_pico + excluded.cost_pico
            """;
        var p = new[] { "$g", "$b", "$a", "$m", "$r", "$in", "$out", "$c" }.Select(n => upsert.Parameters.Add(new SqliteParameter(n, null))).ToArray();
        foreach (var (key, row) in _rows)
        {
            (p[0].Value, p[1].Value, p[2].Value, p[3].Value) = (key.Granularity, key.Bucket, key.Agent, key.Model);
            (p[4].Value, p[5].Value, p[6].Value, p[7].Value) = (row.Requests, row.InputTokens, row.OutputTokens, row.CostPico);
            upsert.ExecuteNonQuery();
        }

        _rows.Clear();
    }

    private struct Row
    {
        public long Requests;
        public long InputTokens;
        public long OutputTokens;
        public long CostPico;
    }
}
