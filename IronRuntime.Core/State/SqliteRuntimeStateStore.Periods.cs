namespace IronRuntime.State;

/// <summary>The spend of the current budget period, read from the per-minute spend rollup.</summary>
internal sealed partial class SqliteRuntimeStateStore : IPeriodSpend
{
    public IReadOnlyDictionary<string, decimal> SpendSince(DateTimeOffset start)
    {
        EnsureOpen();
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT agent_id, sum(cost_pico) FROM spend_rollup WHERE granularity = 60 AND bucket >= $from GROUP BY agent_id";
        command.Parameters.AddWithValue("$from", start.ToUnixTimeSeconds());
        var spend = new Dictionary<string, decimal>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            spend[reader.GetString(0)] = SpendRollup.FromPico(reader.GetInt64(1));
        }

        return spend;
    }
}
