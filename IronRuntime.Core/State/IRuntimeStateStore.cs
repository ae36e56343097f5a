using IronRuntime.Agents;

namespace IronRuntime.State;

/// <summary>
/// Persists what the runtime must remember across restarts: every call's usage and cost, PII audit events, agent
/// runs, and running totals that budgets and metrics are restored from at start-up. The default writes to SQLite in
/// the background; the hot path never waits for I/O (except, with the default store, for the group commit of a
/// call's reservation before the call leaves the process).
/// </summary>
public interface IRuntimeStateStore
{
    /// <summary>Queues a call record; never blocks.</summary>
    /// <param name="record">The record.</param>
    void Append(CallRecord record);

    /// <summary>Queues a PII/secret detection audit record (it never carries the detected value); never blocks.</summary>
    /// <param name="auditEvent">The audit event.</param>
    void AppendAudit(Pii.PiiAuditEvent auditEvent);

    /// <summary>Queues the start or an update (status, end) of an agent run, keyed by agent id and start time; never blocks.</summary>
    /// <param name="run">The run.</param>
    void AppendAgentRun(AgentRunRecord run);

    /// <summary>
    /// The state recorded by earlier runs: totals per agent and runtime-wide (spend included), and the agent runs.
    /// Called once at start-up; must be fast (keep totals, do not sum records).
    /// </summary>
    /// <returns>The stored state.</returns>
    StoredRuntimeState Load();

    /// <summary>Waits until every record queued so far is written.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task completing when the records queued before the call are written.</returns>
    Task FlushAsync(CancellationToken cancellationToken = default);
}
