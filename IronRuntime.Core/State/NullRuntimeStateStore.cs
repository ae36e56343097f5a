using IronRuntime.Agents;

namespace IronRuntime.State;

/// <summary>The store when state is kept in memory only: records nothing, restores nothing.</summary>
internal sealed class NullRuntimeStateStore : IRuntimeStateStore
{
    public void Append(CallRecord record)
    {
    }

    public void AppendAudit(Pii.PiiAuditEvent auditEvent)
    {
    }

    public void AppendAgentRun(AgentRunRecord run)
    {
    }

    public StoredRuntimeState Load() => StoredRuntimeState.Empty;

    public Task FlushAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
}
