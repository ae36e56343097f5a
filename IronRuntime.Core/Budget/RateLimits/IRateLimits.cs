namespace IronRuntime.Budget.RateLimits;

/// <summary>
/// Requests and tokens per minute, global and per agent: in process (<see cref="InProcessRateLimits"/>) or shared by a
/// fleet in Redis. The gate asks it before it reserves money; when no limit is configured <see cref="IsActive"/> is
/// false and the gate skips it (one field read).
/// </summary>
internal interface IRateLimits
{
    /// <summary>Whether any rate limit is configured.</summary>
    bool IsActive { get; }

    /// <summary>
    /// Counts one request and <paramref name="tokens"/> tokens against every limit that applies, atomically: either all
    /// are taken (a ticket) or none (a refusal naming the limit that binds).
    /// </summary>
    ValueTask<RateAdmission> AdmitAsync(string? agentId, long tokens);

    /// <summary>Sets an agent's own limits (a null one: the agents' default), replacing the defaults for it.</summary>
    void SetAgentLimits(string agentId, int? requestsPerMinute, long? tokensPerMinute);
}

/// <summary>The answer of <see cref="IRateLimits.AdmitAsync"/>: a ticket when admitted, else the refusal.</summary>
internal readonly record struct RateAdmission(RateTicket? Ticket, RateRefusal? Refusal)
{
    public static RateAdmission Admitted(RateTicket ticket) => new(ticket, null);

    public static RateAdmission Refused(RateRefusal refusal) => new(null, refusal);
}
