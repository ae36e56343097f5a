namespace IronRuntime.State;

/// <summary>
/// Persists what the runtime must remember across restarts: every call's usage and cost, and the spend that
/// budgets are charged with at start-up. The default writes to SQLite in the background; the hot path never waits
/// for I/O.
/// </summary>
public interface IRuntimeStateStore
{
    /// <summary>Queues a call record; never blocks.</summary>
    /// <param name="record">The record.</param>
    void Append(CallRecord record);

    /// <summary>Queues a PII/secret detection audit record (it never carries the detected value); never blocks.</summary>
    /// <param name="auditEvent">The audit event.</param>
    void AppendAudit(Pii.PiiAuditEvent auditEvent);

    /// <summary>The spend recorded so far: the total, and per agent.</summary>
    /// <returns>Total spend in USD and spend per agent id.</returns>
    (decimal Total, IReadOnlyDictionary<string, decimal> ByAgent) LoadSpend();

    /// <summary>Waits until every queued record is written.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task completing when the queue is drained.</returns>
    Task FlushAsync(CancellationToken cancellationToken = default);
}
