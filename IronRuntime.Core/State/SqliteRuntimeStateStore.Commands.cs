namespace IronRuntime.State;

internal sealed partial class SqliteRuntimeStateStore
{
    private const string InsertPendingSql = "INSERT INTO pending (id, ts, agent_id, model, amount) VALUES (?1, ?2, ?3, ?4, ?5)";
    private const string DeletePendingSql = "DELETE FROM pending WHERE id = ?1";
    private const string InsertCallSql = """
        INSERT INTO calls (ts, agent_id, provider, model, outcome, status, input_tokens, output_tokens, cached_input_tokens,
                           cache_creation_input_tokens, reasoning_tokens, cost, duration_ms, estimated)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
        """;

    // The writer's hot statements: prepared once on the writer's connection (the writer is their only user) and
    // stepped per row inside each batch's transaction. Nothing is allocated per row.
    private SqliteStatement? _insertPending;
    private SqliteStatement? _deletePending;
    private SqliteStatement? _insertCall;

    /// <summary>The accounts whose totals the current batch changed (the writer's, cleared per batch).</summary>
    private readonly HashSet<string> _touched = new(StringComparer.Ordinal);

    /// <summary>The prepared statements (made on first use).</summary>
    private (SqliteStatement InsertPending, SqliteStatement DeletePending, SqliteStatement InsertCall) BatchStatements()
    {
        _insertPending ??= new SqliteStatement(_connection!, InsertPendingSql);
        _deletePending ??= new SqliteStatement(_connection!, DeletePendingSql);
        _insertCall ??= new SqliteStatement(_connection!, InsertCallSql);
        return (_insertPending, _deletePending, _insertCall);
    }

    private void DisposeCommands()
    {
        _insertPending?.Dispose();
        _deletePending?.Dispose();
        _insertCall?.Dispose();
        _restartWal?.Dispose();
    }
}
