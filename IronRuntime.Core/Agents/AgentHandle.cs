namespace IronRuntime.Agents;

/// <summary>A started agent: its id, status and end.</summary>
public sealed class AgentHandle
{
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile int _status;

    internal AgentHandle(string agentId, string name, DateTimeOffset startedAt)
    {
        AgentId = agentId;
        Name = name;
        StartedAt = startedAt;
    }

    /// <summary>The agent's id: the key of <see cref="AgentRuntime.GetMetrics(string)"/> and <see cref="AgentRuntime.StopAgentAsync"/>.</summary>
    public string AgentId { get; }

    /// <summary>The display name.</summary>
    public string Name { get; }

    /// <summary>The current status.</summary>
    public AgentStatus Status => (AgentStatus)_status;

    /// <summary>When the agent was started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>When the agent ended, or null while it runs.</summary>
    public DateTimeOffset? EndedAt { get; private set; }

    /// <summary>The exit code of an agent that ended by itself (0 for an in-process agent that returned), or null.</summary>
    public int? ExitCode { get; private set; }

    /// <summary>The error an agent failed with, or null.</summary>
    public Exception? Fault { get; private set; }

    /// <summary>Whether the agent has ended.</summary>
    public bool HasEnded => _exited.Task.IsCompleted;

    /// <summary>Waits until the agent has ended.</summary>
    /// <param name="cancellationToken">Stops waiting (not the agent).</param>
    /// <returns>A task completing when the agent has ended.</returns>
    public Task WaitForExitAsync(CancellationToken cancellationToken = default) => _exited.Task.WaitAsync(cancellationToken);

    internal CancellationTokenSource Stopping { get; } = new();

    internal HttpClient? Client { get; set; }

    internal TimeSpan StopTimeout { get; set; }

    internal bool TrySetStatus(AgentStatus from, AgentStatus to)
        => Interlocked.CompareExchange(ref _status, (int)to, (int)from) == (int)from;

    internal void SetEnded(AgentStatus status, int? exitCode, Exception? fault, DateTimeOffset endedAt)
    {
        EndedAt = endedAt;
        ExitCode = exitCode;
        Fault = fault;
        _status = (int)status;
        _exited.TrySetResult();
    }
}
