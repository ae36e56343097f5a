using Microsoft.Data.Sqlite;

namespace IronRuntime.State;

internal sealed partial class SqliteRuntimeStateStore
{
    private const string InsertPendingSql = "INSERT INTO pending (id, ts, agent_id, model, amount) VALUES ($id, $ts, $agent, $model, $amount)";
    private const string DeletePendingSql = "DELETE FROM pending WHERE id = $id";
    private const string InsertCallSql = """
        INSERT INTO calls (ts, agent_id, provider, model, outcome, status, input_tokens, output_tokens, cached_input_tokens,
                           cache_creation_input_tokens, reasoning_tokens, cost, duration_ms, estimated)
        VALUES ($ts, $agent, $provider, $model, $outcome, $status, $in, $out, $cached, $cacheWrite, $reasoning, $cost, $duration, $estimated)
        """;

    // The writer's hot commands: made once, their statements prepared on first use and kept (the writer is their only
    // user), enlisted in each batch's transaction. Nothing is allocated per reservation but its parameter values.
    private SqliteCommand? _insertPending;
    private SqliteCommand? _deletePending;
    private SqliteCommand? _insertCall;

    /// <summary>The accounts whose totals the current batch changed (the writer's, cleared per batch).</summary>
    private readonly HashSet<string> _touched = new(StringComparer.Ordinal);

    /// <summary>The reused commands, enlisted in <paramref name="transaction"/>.</summary>
    private (SqliteCommand InsertPending, SqliteCommand DeletePending, SqliteCommand InsertCall) BatchCommands(SqliteTransaction transaction)
    {
        _insertPending ??= Command(InsertPendingSql, "$id", "$ts", "$agent", "$model", "$amount");
        _deletePending ??= Command(DeletePendingSql, "$id");
        _insertCall ??= Command(InsertCallSql, "$ts", "$agent", "$provider", "$model", "$outcome", "$status", "$in", "$out", "$cached", "$cacheWrite", "$reasoning", "$cost", "$duration", "$estimated");
        _insertPending.Transaction = transaction;
        _deletePending.Transaction = transaction;
        _insertCall.Transaction = transaction;
        return (_insertPending, _deletePending, _insertCall);
    }

    private SqliteCommand Command(string sql, params string[] parameters)
    {
        var command = _connection!.CreateCommand();
        command.CommandText = sql;
        foreach (string name in parameters)
        {
            command.Parameters.Add(new SqliteParameter(name, null));
        }

        return command;
    }

    private void DisposeCommands()
    {
        _insertPending?.Dispose();
        _deletePending?.Dispose();
        _insertCall?.Dispose();
    }
}
