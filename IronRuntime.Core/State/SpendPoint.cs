namespace IronRuntime.State;

/// <summary>What one agent or model spent in one bucket. <paramref name="Key"/> is null for unattributed calls.</summary>
internal sealed record SpendPoint(DateTimeOffset Bucket, string? Key, long Requests, long InputTokens, long OutputTokens, decimal Cost);
