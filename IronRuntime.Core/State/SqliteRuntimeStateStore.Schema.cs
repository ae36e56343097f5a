using System.Globalization;
using IronRuntime.Agents;
using Microsoft.Data.Sqlite;

namespace IronRuntime.State;

internal sealed partial class SqliteRuntimeStateStore
{
    private void CreateSchema()
    {
        // Checkpoints run off the commit path, on the checkpointer's own connection, and the WAL is restarted in place
        // when the writer is idle (SqliteRuntimeStateStore.Checkpoint.cs).
        Execute($"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit={WalSizeLimit};");
        bool hadRollup;
        using (var check = _connection!.CreateCommand())
        {
            check.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'spend_rollup'";
            hadRollup = (long)check.ExecuteScalar()! > 0;
        }

        Execute("""
            CREATE TABLE IF NOT EXISTS calls (
                id INTEGER PRIMARY KEY,
                ts TEXT NOT NULL,
                agent_id TEXT,
                provider TEXT NOT NULL,
                model TEXT NOT NULL,
                outcome TEXT NOT NULL,
                status INTEGER NOT NULL,
                input_tokens INTEGER NOT NULL,
                output_tokens INTEGER NOT NULL,
                cached_input_tokens INTEGER NOT NULL,
                cache_creation_input_tokens INTEGER NOT NULL,
                reasoning_tokens INTEGER NOT NULL,
                cost TEXT NOT NULL,
                duration_ms REAL NOT NULL,
                estimated INTEGER NOT NULL DEFAULT 0,
                unsettled INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX IF NOT EXISTS calls_agent ON calls(agent_id);
            CREATE INDEX IF NOT EXISTS calls_model ON calls(model);
            CREATE INDEX IF NOT EXISTS calls_ts ON calls(ts);
            CREATE TABLE IF NOT EXISTS pending (
                id INTEGER PRIMARY KEY,
                ts TEXT NOT NULL,
                agent_id TEXT,
                model TEXT NOT NULL,
                amount TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS totals (
                account TEXT PRIMARY KEY,
                requests INTEGER NOT NULL, succeeded INTEGER NOT NULL, denied INTEGER NOT NULL, errors INTEGER NOT NULL,
                input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, cached_input_tokens INTEGER NOT NULL,
                cache_creation_input_tokens INTEGER NOT NULL, reasoning_tokens INTEGER NOT NULL,
                pii_detections INTEGER NOT NULL, estimated INTEGER NOT NULL, unsettled INTEGER NOT NULL,
                spent TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS pii_totals (
                account TEXT NOT NULL, entity_type TEXT NOT NULL, count INTEGER NOT NULL,
                PRIMARY KEY (account, entity_type));
            CREATE TABLE IF NOT EXISTS agent_runs (
                agent_id TEXT NOT NULL,
                started_at TEXT NOT NULL,
                name TEXT NOT NULL,
                kind TEXT NOT NULL,
                ended_at TEXT,
                status TEXT NOT NULL,
                exit_code INTEGER,
                fault TEXT,
                interrupted INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (agent_id, started_at));
            CREATE TABLE IF NOT EXISTS pii_audit (
                id INTEGER PRIMARY KEY,
                ts TEXT NOT NULL,
                agent_id TEXT,
                direction TEXT NOT NULL,
                entity_type TEXT NOT NULL,
                position INTEGER NOT NULL,
                value_hash TEXT NOT NULL,
                mode TEXT NOT NULL);
            """);
        Execute(SpendRollup.CreateTable);
        if (!hadRollup)
        {
            Execute(SpendRollup.Backfill); // a file from before the rollup: one pass over its calls
        }
    }

    /// <summary>
    /// Loads the totals, then turns every reservation an earlier run left unsettled (it crashed with the call in
    /// flight) into a call charged its full reservation and flagged <c>unsettled</c>, and marks the runs it left
    /// open as interrupted — in one transaction, so a crash during recovery changes nothing.
    /// </summary>
    private void RecoverUnsettled()
    {
        using (var read = _connection!.CreateCommand())
        {
            read.CommandText = """
                SELECT account, requests, succeeded, denied, errors, input_tokens, output_tokens, cached_input_tokens,
                       cache_creation_input_tokens, reasoning_tokens, pii_detections, estimated, unsettled, spent FROM totals
                """;
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                var totals = TotalsOf(reader.GetString(0));
                var t = totals.Counts;
                (t.Requests, t.Succeeded, t.Denied, t.Errors) = (reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
                (t.InputTokens, t.OutputTokens, t.CachedInputTokens) = (reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7));
                (t.CacheCreationInputTokens, t.ReasoningTokens, t.PiiDetections) = (reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10));
                (t.EstimatedCharges, t.Unsettled) = (reader.GetInt64(11), reader.GetInt64(12));
                totals.Spent = ParseMoney(reader.GetString(13));
            }
        }

        using (var read = _connection.CreateCommand())
        {
            read.CommandText = "SELECT account, entity_type, count FROM pii_totals";
            using var pii = read.ExecuteReader();
            while (pii.Read())
            {
                TotalsOf(pii.GetString(0)).Counts.PiiByType[pii.GetString(1)] = new(pii.GetInt64(2));
            }
        }

        using var transaction = _connection.BeginTransaction();
        var unsettled = new List<(string Ts, string? Agent, string Model, string Amount)>();
        using (var pending = _connection.CreateCommand())
        {
            pending.Transaction = transaction;
            pending.CommandText = "SELECT ts, agent_id, model, amount FROM pending ORDER BY id";
            using var reader = pending.ExecuteReader();
            while (reader.Read())
            {
                unsettled.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2), reader.GetString(3)));
            }
        }

        var touched = new HashSet<string>(StringComparer.Ordinal);
        using (var insert = _connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO calls (ts, agent_id, provider, model, outcome, status, input_tokens, output_tokens, cached_input_tokens,
                                   cache_creation_input_tokens, reasoning_tokens, cost, duration_ms, unsettled)
                VALUES ($ts, $agent, 'Unknown', $model, 'Unsettled', 0, 0, 0, 0, 0, 0, $cost, 0, 1)
                """;
            var ts = insert.Parameters.Add(new SqliteParameter("$ts", null));
            var agent = insert.Parameters.Add(new SqliteParameter("$agent", null));
            var model = insert.Parameters.Add(new SqliteParameter("$model", null));
            var cost = insert.Parameters.Add(new SqliteParameter("$cost", null));
            foreach (var u in unsettled)
            {
                (ts.Value, agent.Value, model.Value, cost.Value) = (u.Ts, (object?)u.Agent ?? DBNull.Value, u.Model, u.Amount);
                insert.ExecuteNonQuery();
                decimal amount = ParseMoney(u.Amount);
                _rollup.Add(DateTimeOffset.Parse(u.Ts, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind), u.Agent, u.Model, 0, 0, amount);
                foreach (string account in Accounts(u.Agent))
                {
                    TotalsOf(account).AddUnsettled(amount);
                    touched.Add(account);
                }
            }
        }

        WriteTotals(touched, transaction);
        _rollup.Write(_connection, transaction);
        Execute("DELETE FROM pending; UPDATE agent_runs SET interrupted = 1 WHERE ended_at IS NULL;", transaction);
        transaction.Commit();
    }

    private StoredRuntimeState ReadState()
    {
        var runs = new List<AgentRunRecord>();
        using (var read = _connection!.CreateCommand())
        {
            read.CommandText = "SELECT agent_id, name, kind, started_at, ended_at, status, exit_code, fault, interrupted FROM agent_runs ORDER BY started_at, rowid";
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                runs.Add(new AgentRunRecord(
                    reader.GetString(0),
                    reader.GetString(1),
                    Enum.Parse<AgentKind>(reader.GetString(2)),
                    DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                    reader.IsDBNull(4) ? null : DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                    Enum.Parse<AgentStatus>(reader.GetString(5)),
                    reader.IsDBNull(6) ? null : reader.GetInt32(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7))
                {
                    Interrupted = reader.GetInt64(8) != 0,
                });
            }
        }

        var agents = _totals.Where(kv => kv.Key.Length > 0).Select(kv => kv.Value.ToMetrics(kv.Key)).ToList();
        var totals = _totals.TryGetValue(GlobalAccount, out var global) ? global.ToMetrics(null) : new AgentMetrics();
        return new StoredRuntimeState(totals, agents, runs);
    }

    /// <summary>Writes the totals of <paramref name="accounts"/> (absolute values: the writer owns them).</summary>
    private void WriteTotals(IEnumerable<string> accounts, SqliteTransaction transaction)
    {
        using var upsert = _connection!.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText = """
            INSERT OR REPLACE INTO totals (account, requests, succeeded, denied, errors, input_tokens, output_tokens, cached_input_tokens,
                                           cache_creation_input_tokens, reasoning_tokens, pii_detections, estimated, unsettled, spent)
            VALUES ($a, $r, $s, $d, $e, $in, $out, $cached, $cw, $reasoning, $pii, $est, $uns, $spent)
            """;
        var p = new[] { "$a", "$r", "$s", "$d", "$e", "$in", "$out", "$cached", "$cw", "$reasoning", "$pii", "$est", "$uns", "$spent" }
            .Select(name => upsert.Parameters.Add(new SqliteParameter(name, null))).ToArray();
        using var piiUpsert = _connection.CreateCommand();
        piiUpsert.Transaction = transaction;
        piiUpsert.CommandText = "INSERT OR REPLACE INTO pii_totals (account, entity_type, count) VALUES ($a, $t, $c)";
        var pa = piiUpsert.Parameters.Add(new SqliteParameter("$a", null));
        var pt = piiUpsert.Parameters.Add(new SqliteParameter("$t", null));
        var pc = piiUpsert.Parameters.Add(new SqliteParameter("$c", null));
        foreach (string account in accounts)
        {
            var totals = _totals[account];
            var t = totals.Counts;
            (p[0].Value, p[1].Value, p[2].Value, p[3].Value, p[4].Value) = (account, t.Requests, t.Succeeded, t.Denied, t.Errors);
            (p[5].Value, p[6].Value, p[7].Value, p[8].Value) = (t.InputTokens, t.OutputTokens, t.CachedInputTokens, t.CacheCreationInputTokens);
            (p[9].Value, p[10].Value, p[11].Value, p[12].Value) = (t.ReasoningTokens, t.PiiDetections, t.EstimatedCharges, t.Unsettled);
            p[13].Value = totals.Spent.ToString(CultureInfo.InvariantCulture);
            upsert.ExecuteNonQuery();
            foreach (var (type, count) in t.PiiByType)
            {
                (pa.Value, pt.Value, pc.Value) = (account, type, count.Value);
                piiUpsert.ExecuteNonQuery();
            }
        }
    }

    /// <summary>The accounts a record counts in: the global one and, when attributed, the agent's.</summary>
    private static string[] Accounts(string? agentId) => agentId is null ? [GlobalAccount] : [GlobalAccount, agentId];

    private static decimal ParseMoney(string text) => decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);
}
