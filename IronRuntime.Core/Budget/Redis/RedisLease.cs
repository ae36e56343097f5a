namespace IronRuntime.Budget.Redis;

/// <summary>One reservation held in Redis (or, with a local allowance, in the instance while Redis is away).</summary>
/// <param name="Id">The lease id, unique across the fleet (instance id and a counter).</param>
/// <param name="AgentId">The agent, or null.</param>
/// <param name="Units">The amount held, in units of <see cref="RedisMoney"/>.</param>
/// <param name="Local">True when held against the local allowance rather than in Redis.</param>
internal sealed record RedisLease(string Id, string? AgentId, long Units, bool Local);
