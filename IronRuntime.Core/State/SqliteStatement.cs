using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace IronRuntime.State;

/// <summary>
/// One of the writer's hot statements, prepared once on the writer's connection and stepped through SQLite's own API
/// (bind, step, reset): no per-row reader, binder or UTF-8 copy, which Microsoft.Data.Sqlite's
/// <see cref="SqliteCommand.ExecuteNonQuery"/> allocates on every call (about 1 KB per reservation; docs/performance.md,
/// "Issue #8, durable reservations, stop 10"). It runs inside whatever transaction the connection has open. Only the
/// writer uses it; dispose it before the connection.
/// </summary>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public SqliteStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle!;
        int rc = raw.sqlite3_prepare_v3(_db, sql, raw.SQLITE_PREPARE_PERSISTENT, out _statement, out _);
        SqliteException.ThrowExceptionForRC(rc, _db);
    }

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void Bind(int index, double value) => Check(raw.sqlite3_bind_double(_statement, index, value));

    public void Bind(int index, string? value)
        => Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text16(_statement, index, value));

    /// <summary>Binds a time as the store writes times everywhere: UTC, round-trip (<c>O</c>) format, so text order is time order.</summary>
    public void Bind(int index, DateTimeOffset value)
    {
        Span<char> text = stackalloc char[40];
        value.UtcDateTime.TryFormat(text, out int written, "O", CultureInfo.InvariantCulture);
        Check(raw.sqlite3_bind_text16(_statement, index, text[..written]));
    }

    /// <summary>Binds money as exact decimal text.</summary>
    public void Bind(int index, decimal value)
    {
        Span<char> text = stackalloc char[40];
        value.TryFormat(text, out int written, provider: CultureInfo.InvariantCulture);
        Check(raw.sqlite3_bind_text16(_statement, index, text[..written]));
    }

    /// <summary>Runs the statement with the values bound, then resets it for the next row.</summary>
    public void Execute()
    {
        int rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
