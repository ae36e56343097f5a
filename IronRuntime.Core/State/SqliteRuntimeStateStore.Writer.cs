using System.Globalization;
using IronRuntime.Agents;
using IronRuntime.Internal;
using Microsoft.Data.Sqlite;

namespace IronRuntime.State;

internal sealed partial class SqliteRuntimeStateStore
{
    /// <summary>
    /// One writer: drains what is queued (up to a batch), commits it in one transaction, then wakes the waiters. It runs
    /// on a thread of its own (<see cref="TaskCreationOptions.LongRunning"/>) and blocks there between batches: the
    /// SQLite work of a group commit never holds a pool thread, so every pool thread is free to resume the callers the
    /// previous commit woke and to queue the next reservations (on a 2-core machine the pool starts with two).
    /// </summary>
    private void WriteLoop()
    {
        var batch = new List<object>(BatchSize);
        while (WaitForWork())
        {
            while (batch.Count < BatchSize && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            Exception? failure = null;
            try
            {
                WriteBatch(batch);
            }
            catch (Exception ex)
            {
                // Any failure (SQLite's, or e.g. an OverflowException of a record's roll-up) fails this batch only: the
                // writer must outlive it, or every later reservation and flush would wait forever.
                failure = ex;
                CoreLog.StateWriteFailed(_logger, ex, batch.Count);
            }

            int droppable = 0;
            foreach (object item in batch)
            {
                switch (item)
                {
                    case PendingReservation r when failure is null: r.Committed.TrySetResult(r.Id); break;
                    case PendingReservation r: r.Committed.TrySetException(failure); break;
                    case FlushRequest f: f.Done.TrySetResult(); break;
                    case CallRecord or Pii.PiiAuditEvent: droppable++; break;
                }
            }

            Interlocked.Add(ref _queued, -droppable);
            if (failure is null)
            {
                try
                {
                    AfterCommit(); // after the waiters are woken: WAL upkeep never delays the callers of this commit
                }
                catch (Exception ex)
                {
                    CoreLog.StateCheckpointFailed(_logger, ex);
                }
            }

            batch.Clear();
        }
    }

    /// <summary>
    /// Blocks the writer's thread until something is queued (false once the queue is completed and empty). The queue
    /// allows synchronous continuations, so the producer whose write ends the wait only signals this thread. A writer
    /// idle for <see cref="IdleBeforeWalRestart"/> with a restart of the WAL due does it then (Checkpoint.cs).
    /// </summary>
    private bool WaitForWork()
    {
        var wait = _queue.Reader.WaitToReadAsync();
        if (wait.IsCompletedSuccessfully)
        {
            return wait.Result;
        }

        var next = wait.AsTask();
        while (WalRestartDue && !next.Wait(IdleBeforeWalRestart))
        {
            try
            {
                TryRestartWal();
            }
            catch (Exception ex)
            {
                CoreLog.StateCheckpointFailed(_logger, ex);
                _commitsSinceWalRestart = 0; // not retried before more commits
            }
        }

        return next.GetAwaiter().GetResult();
    }

    private void WriteBatch(List<object> items)
    {
        _rollup.Clear();
        using var transaction = _connection!.BeginTransaction();
        var (insertPending, deletePending, insertCall) = BatchStatements();
        var touched = _touched;
        touched.Clear();
        foreach (object item in items)
        {
            switch (item)
            {
                case PendingReservation r:
                    insertPending.Bind(1, r.Id);
                    insertPending.Bind(2, r.Timestamp);
                    insertPending.Bind(3, r.AgentId);
                    insertPending.Bind(4, r.Model);
                    insertPending.Bind(5, r.Amount);
                    insertPending.Execute();
                    break;
                case ReservationSettlement s:
                    deletePending.Bind(1, s.ReservationId);
                    deletePending.Execute();
                    if (s.Record is { } settled)
                    {
                        WriteCall(insertCall, settled, touched);
                    }

                    break;
                case CallRecord record:
                    WriteCall(insertCall, record, touched);
                    break;
                case Pii.PiiAuditEvent audit:
                    WriteAudit(audit, transaction, touched);
                    break;
                case AgentRunRecord run:
                    WriteRun(run, transaction);
                    break;
            }
        }

        if (touched.Count > 0)
        {
            WriteTotals(touched, transaction);
        }

        _rollup.Write(_connection, transaction);
        transaction.Commit();
    }

    private void WriteCall(SqliteStatement insert, CallRecord r, HashSet<string> touched)
    {
        insert.Bind(1, r.Timestamp);
        insert.Bind(2, r.AgentId);
        insert.Bind(3, r.Provider.ToString());
        insert.Bind(4, r.Model);
        insert.Bind(5, r.Outcome.ToString());
        insert.Bind(6, r.StatusCode);
        insert.Bind(7, r.Usage.InputTokens);
        insert.Bind(8, r.Usage.OutputTokens);
        insert.Bind(9, r.Usage.CachedInputTokens);
        insert.Bind(10, r.Usage.CacheCreationInputTokens);
        insert.Bind(11, r.Usage.ReasoningTokens);
        insert.Bind(12, r.Cost);
        insert.Bind(13, r.DurationMs);
        insert.Bind(14, r.Estimated ? 1 : 0);
        insert.Execute();
        _rollup.Add(r.Timestamp, r.AgentId, r.Model, r.Usage.InputTokens, r.Usage.OutputTokens, r.Cost);
        foreach (string account in Accounts(r.AgentId))
        {
            TotalsOf(account).Add(r);
            touched.Add(account);
        }
    }

    private void WriteAudit(Pii.PiiAuditEvent a, SqliteTransaction transaction, HashSet<string> touched)
    {
        using var insert = _connection!.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO pii_audit (ts, agent_id, direction, entity_type, position, value_hash, mode)
            VALUES ($ts, $agent, $direction, $type, $position, $hash, $mode)
            """;
        insert.Parameters.AddWithValue("$ts", Time(a.Timestamp));
        insert.Parameters.AddWithValue("$agent", (object?)a.AgentId ?? DBNull.Value);
        insert.Parameters.AddWithValue("$direction", a.Direction.ToString());
        insert.Parameters.AddWithValue("$type", a.EntityType);
        insert.Parameters.AddWithValue("$position", a.Position);
        insert.Parameters.AddWithValue("$hash", a.ValueHash);
        insert.Parameters.AddWithValue("$mode", a.Mode.ToString());
        insert.ExecuteNonQuery();
        foreach (string account in Accounts(a.AgentId))
        {
            TotalsOf(account).AddPii(a.EntityType);
            touched.Add(account);
        }
    }

    private void WriteRun(AgentRunRecord run, SqliteTransaction transaction)
    {
        using var upsert = _connection!.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText = """
            INSERT INTO agent_runs (agent_id, started_at, name, kind, ended_at, status, exit_code, fault)
            VALUES ($id, $start, $name, $kind, $end, $status, $exit, $fault)
            ON CONFLICT (agent_id, started_at) DO UPDATE SET
                name = excluded.name, kind = excluded.kind, ended_at = excluded.ended_at, status = excluded.status,
                exit_code = excluded.exit_code, fault = excluded.fault
            """;
        upsert.Parameters.AddWithValue("$id", run.AgentId);
        upsert.Parameters.AddWithValue("$start", Time(run.StartedAt));
        upsert.Parameters.AddWithValue("$name", run.Name);
        upsert.Parameters.AddWithValue("$kind", run.Kind.ToString());
        upsert.Parameters.AddWithValue("$end", run.EndedAt is { } end ? Time(end) : DBNull.Value);
        upsert.Parameters.AddWithValue("$status", run.Status.ToString());
        upsert.Parameters.AddWithValue("$exit", (object?)run.ExitCode ?? DBNull.Value);
        upsert.Parameters.AddWithValue("$fault", (object?)run.Fault ?? DBNull.Value);
        upsert.ExecuteNonQuery();
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
}
