using IronRuntime.Agents;

namespace IronRuntime;

public sealed partial class AgentRuntime
{
    /// <summary>
    /// Every agent run this runtime knows of, oldest first: those recorded by earlier runtimes on the same state
    /// store (with <c>State:DatabasePath</c> / <c>UseSqliteState</c>), then this runtime's, running or ended. Unlike
    /// <see cref="ListAgents"/>, an agent started several times appears once per run.
    /// </summary>
    /// <returns>A snapshot of the runs.</returns>
    public IReadOnlyList<AgentRunRecord> ListAgentHistory()
    {
        var past = _restorer.PastRuns;
        AgentHandle[] runs;
        lock (_runs)
        {
            runs = [.. _runs];
        }

        return [.. past, .. runs.Select(ToRunRecord)];
    }

    /// <summary>Restores recorded state now rather than on first use (called when the host starts).</summary>
    internal void RestoreState() => _restorer.EnsureRestored();

    private static AgentRunRecord ToRunRecord(AgentHandle handle)
        => new(handle.AgentId, handle.Name, handle.Kind, handle.StartedAt, handle.EndedAt, handle.Status, handle.ExitCode, handle.Fault?.Message);
}
