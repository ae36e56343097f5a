namespace IronRuntime.State;

/// <summary>A recorded call as listed by the history (no content: there is none to list).</summary>
internal sealed record StoredCall(
    long Id,
    DateTimeOffset Timestamp,
    string? AgentId,
    string Provider,
    string Model,
    string Outcome,
    int Status,
    long InputTokens,
    long OutputTokens,
    decimal Cost,
    double DurationMs,
    bool Estimated);
