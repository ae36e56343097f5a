namespace IronRuntime.State;

/// <summary>Which calls to list: all filters optional; <paramref name="Before"/> is the cursor (a call id) of the previous page.</summary>
internal sealed record CallQuery(string? AgentId, string? Model, DateTimeOffset? From, DateTimeOffset? To, long? Before, int Limit);
