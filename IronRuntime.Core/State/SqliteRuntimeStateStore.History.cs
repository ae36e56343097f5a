using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace IronRuntime.State;

internal sealed partial class SqliteRuntimeStateStore
{
    public CallPage QueryCalls(CallQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        var sql = new StringBuilder("SELECT id, ts, agent_id, provider, model, outcome, status, input_tokens, output_tokens, cost, duration_ms, estimated FROM calls WHERE 1 = 1");
        Filter(sql, command, "agent_id = $agent", "$agent", query.AgentId);
        Filter(sql, command, "model = $model", "$model", query.Model);

        Filter(sql, command, "ts >= $from", "$from", query.From is { } from ? Time(from) : null);
        Filter(sql, command, "ts < $to", "$to", query.To is { } to ? Time(to) : null);
        Filter(sql, command, "id < $before", "$before", query.Before);

        sql.Append(" ORDER BY id DESC LIMIT $limit");
        command.Parameters.AddWithValue("$limit", query.Limit + 1);
        command.CommandText = sql.ToString();
        var calls = new List<StoredCall>(Math.Min(query.Limit + 1, 1024));
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                calls.Add(new StoredCall(
                    reader.GetInt64(0),
                    DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.GetString(3),
                    reader.GetString(4),
                    reader.GetString(5),
                    reader.GetInt32(6),
                    reader.GetInt64(7),
                    reader.GetInt64(8),
                    ParseMoney(reader.GetString(9)),
                    reader.GetDouble(10),
                    reader.GetInt64(11) != 0));
            }
        }

        if (calls.Count <= query.Limit)
        {
            return new CallPage(calls, null);
        }

        calls.RemoveAt(calls.Count - 1);
        return new CallPage(calls, calls[^1].Id);
    }

    public IReadOnlyList<SpendPoint> QuerySpend(SpendQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        int size = query.BucketSeconds;
        int granularity = size == 60 ? 60 : 3600; // days are summed from hours
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        string key = query.ByModel ? "model" : "agent_id";
        var sql = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"""
            SELECT (bucket / {size}) * {size} AS b, {key}, sum(requests), sum(input_tokens), sum(output_tokens), sum(cost_pico)
            FROM spend_rollup WHERE granularity = {granularity} AND bucket >= $from AND bucket < $to
            """));
        command.Parameters.AddWithValue("$from", query.From.ToUnixTimeSeconds());
        command.Parameters.AddWithValue("$to", query.To.ToUnixTimeSeconds());
        Filter(sql, command, "agent_id = $agent", "$agent", query.AgentId);
        Filter(sql, command, "model = $model", "$model", query.Model);

        sql.Append(CultureInfo.InvariantCulture, $" GROUP BY b, {key} ORDER BY b, {key}");
        command.CommandText = sql.ToString();
        var points = new List<SpendPoint>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            string name = reader.GetString(1);
            points.Add(new SpendPoint(
                DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(0)),
                name.Length == 0 ? null : name,
                reader.GetInt64(2),
                reader.GetInt64(3),
                reader.GetInt64(4),
                SpendRollup.FromPico(reader.GetInt64(5))));
        }

        return points;
    }

    /// <summary>Adds <c>AND <paramref name="condition"/></c> with its parameter when <paramref name="value"/> is set.</summary>
    private static void Filter(StringBuilder sql, SqliteCommand command, string condition, string parameter, object? value)
    {
        if (value is not null)
        {
            sql.Append(" AND ").Append(condition);
            command.Parameters.AddWithValue(parameter, value);
        }
    }

    /// <summary>A read-only connection of its own (WAL: readers never wait for the writer), after the file is set up.</summary>
    private SqliteConnection OpenReader()
    {
        EnsureOpen();
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = _databasePath,
            Mode = SqliteOpenMode.ReadOnly,
        }.ToString());
        connection.Open();
        return connection;
    }
}
