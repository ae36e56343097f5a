using System.Globalization;
using System.Threading.Channels;
using IronRuntime.Internal;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace IronRuntime.State;

/// <summary>
/// The default state store: a SQLite file written by one background task in batches (one transaction per batch),
/// fed through a bounded channel so the call path never waits for the disk. Money is stored as exact decimal text.
/// </summary>
internal sealed class SqliteRuntimeStateStore : IRuntimeStateStore, IAsyncDisposable
{
    private const int BatchSize = 512;
    private const string GlobalAccount = "";

    private readonly Channel<object> _queue;
    private readonly SqliteConnection _connection;
    private readonly ILogger _logger;
    private readonly Task _writer;
    private readonly Dictionary<string, decimal> _spend = new(StringComparer.Ordinal);
    private long _enqueued;
    private long _written;
    private long _dropped;

    public SqliteRuntimeStateStore(string databasePath, int queueCapacity, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        _logger = logger;
        string? directory = Path.GetDirectoryName(Path.GetFullPath(databasePath));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
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
                duration_ms REAL NOT NULL);
            CREATE INDEX IF NOT EXISTS calls_agent ON calls(agent_id);
            CREATE TABLE IF NOT EXISTS spend (account TEXT PRIMARY KEY, total TEXT NOT NULL);
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
        using (var read = _connection.CreateCommand())
        {
            read.CommandText = "SELECT account, total FROM spend";
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                _spend[reader.GetString(0)] = decimal.Parse(reader.GetString(1), NumberStyles.Number, CultureInfo.InvariantCulture);
            }
        }

        _queue = Channel.CreateBounded<object>(new BoundedChannelOptions(queueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.DropWrite,
        });
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Records dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Append(CallRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Enqueue(record);
    }

    public void AppendAudit(Pii.PiiAuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        Enqueue(auditEvent);
    }

    private void Enqueue(object record)
    {
        if (_queue.Writer.TryWrite(record))
        {
            Interlocked.Increment(ref _enqueued);
        }
        else if (Interlocked.Increment(ref _dropped) % 1000 == 1)
        {
            CoreLog.StateRecordsDropped(_logger, Dropped);
        }
    }

    public (decimal Total, IReadOnlyDictionary<string, decimal> ByAgent) LoadSpend()
    {
        lock (_spend)
        {
            var byAgent = _spend.Where(kv => kv.Key.Length > 0).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            return (_spend.GetValueOrDefault(GlobalAccount), byAgent);
        }
    }

    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        long target = Interlocked.Read(ref _enqueued);
        while (Interlocked.Read(ref _written) < target && !_writer.IsCompleted)
        {
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<object>(BatchSize);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < BatchSize && _queue.Reader.TryRead(out var record))
            {
                batch.Add(record);
            }

            try
            {
                WriteBatch(batch);
            }
            catch (SqliteException ex)
            {
                CoreLog.StateWriteFailed(_logger, ex, batch.Count);
            }

            Interlocked.Add(ref _written, batch.Count);
            batch.Clear();
        }
    }

    private void WriteBatch(List<object> records)
    {
        using var transaction = _connection.BeginTransaction();
        var batch = records.OfType<CallRecord>().ToList();
        WriteAudits(records.OfType<Pii.PiiAuditEvent>(), transaction);
        using var insert = _connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO calls (ts, agent_id, provider, model, outcome, status, input_tokens, output_tokens, cached_input_tokens,
                               cache_creation_input_tokens, reasoning_tokens, cost, duration_ms)
            VALUES ($ts, $agent, $provider, $model, $outcome, $status, $in, $out, $cached, $cacheWrite, $reasoning, $cost, $duration)
            """;
        var p = new[] { "$ts", "$agent", "$provider", "$model", "$outcome", "$status", "$in", "$out", "$cached", "$cacheWrite", "$reasoning", "$cost", "$duration" }
            .Select(name => insert.Parameters.Add(new SqliteParameter { ParameterName = name })).ToArray();
        lock (_spend)
        {
            foreach (var r in batch)
            {
                p[0].Value = r.Timestamp.ToString("O", CultureInfo.InvariantCulture);
                p[1].Value = (object?)r.AgentId ?? DBNull.Value;
                p[2].Value = r.Provider.ToString();
                p[3].Value = r.Model;
                p[4].Value = r.Outcome.ToString();
                p[5].Value = r.StatusCode;
                p[6].Value = r.Usage.InputTokens;
                p[7].Value = r.Usage.OutputTokens;
                p[8].Value = r.Usage.CachedInputTokens;
                p[9].Value = r.Usage.CacheCreationInputTokens;
                p[10].Value = r.Usage.ReasoningTokens;
                p[11].Value = r.Cost.ToString(CultureInfo.InvariantCulture);
                p[12].Value = r.DurationMs;
                insert.ExecuteNonQuery();
                if (r.Cost != 0m)
                {
                    _spend[GlobalAccount] = _spend.GetValueOrDefault(GlobalAccount) + r.Cost;
                    if (r.AgentId is { } agent)
                    {
                        _spend[agent] = _spend.GetValueOrDefault(agent) + r.Cost;
                    }
                }
            }

            using var upsert = _connection.CreateCommand();
            upsert.Transaction = transaction;
            upsert.CommandText = "INSERT INTO spend (account, total) VALUES ($a, $t) ON CONFLICT(account) DO UPDATE SET total = excluded.total";
            var a = upsert.Parameters.Add(new SqliteParameter { ParameterName = "$a" });
            var t = upsert.Parameters.Add(new SqliteParameter { ParameterName = "$t" });
            foreach (string account in batch.Where(r => r.Cost != 0m).SelectMany(r => r.AgentId is null ? [GlobalAccount] : new[] { GlobalAccount, r.AgentId }).Distinct())
            {
                a.Value = account;
                t.Value = _spend[account].ToString(CultureInfo.InvariantCulture);
                upsert.ExecuteNonQuery();
            }
        }

        transaction.Commit();
    }

    private void WriteAudits(IEnumerable<Pii.PiiAuditEvent> audits, SqliteTransaction transaction)
    {
        using var insert = _connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO pii_audit (ts, agent_id, direction, entity_type, position, value_hash, mode)
            VALUES ($ts, $agent, $direction, $type, $position, $hash, $mode)
            """;
        var p = new[] { "$ts", "$agent", "$direction", "$type", "$position", "$hash", "$mode" }
            .Select(name => insert.Parameters.Add(new SqliteParameter { ParameterName = name })).ToArray();
        foreach (var a in audits)
        {
            p[0].Value = a.Timestamp.ToString("O", CultureInfo.InvariantCulture);
            p[1].Value = (object?)a.AgentId ?? DBNull.Value;
            p[2].Value = a.Direction.ToString();
            p[3].Value = a.EntityType;
            p[4].Value = a.Position;
            p[5].Value = a.ValueHash;
            p[6].Value = a.Mode.ToString();
            insert.ExecuteNonQuery();
        }
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
