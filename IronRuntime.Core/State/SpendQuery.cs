namespace IronRuntime.State;

/// <summary>
/// A spend series: buckets of <paramref name="BucketSeconds"/> (60, 3600 or 86400, UTC) from <paramref name="From"/>
/// (inclusive) to <paramref name="To"/> (exclusive), one value per bucket and agent (<paramref name="ByModel"/> false)
/// or model; optionally only one agent's or one model's calls.
/// </summary>
internal sealed record SpendQuery(int BucketSeconds, DateTimeOffset From, DateTimeOffset To, bool ByModel, string? AgentId, string? Model);
