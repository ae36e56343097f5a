namespace IronRuntime.Pii;

/// <summary>Reads the latest PII audit events kept in memory (the default <see cref="IPiiAuditSink"/> keeps <see cref="PiiOptions.AuditCapacity"/>).</summary>
public interface IPiiAuditLog
{
    /// <summary>The events kept, oldest first, optionally only those of one agent. They never carry detected values.</summary>
    /// <param name="agentId">Only this agent's events, or null for all.</param>
    /// <returns>A snapshot.</returns>
    IReadOnlyList<PiiAuditEvent> GetRecent(string? agentId = null);
}
