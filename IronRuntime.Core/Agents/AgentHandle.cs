using IronRuntime.Agents.Processes;

namespace IronRuntime.Agents;

/// <summary>A started agent: its id, status, process and end.</summary>
public sealed class AgentHandle
{
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile int _status;
    private int _stopRequested;
    private int _ended;

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

    /// <summary>In process, or a child process.</summary>
    public AgentKind Kind { get; internal init; }

    /// <summary>The current status.</summary>
    public AgentStatus Status => (AgentStatus)_status;

    /// <summary>When the agent was started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>When the agent ended, or null while it runs.</summary>
    public DateTimeOffset? EndedAt { get; private set; }

    /// <summary>
    /// The exit code: a process agent's (also when it was stopped; on Unix 128 + the signal number when a signal
    /// ended it), 0 for an in-process agent that returned; null while running or when there is none.
    /// </summary>
    public int? ExitCode { get; private set; }

    /// <summary>The error an agent failed with, or null.</summary>
    public Exception? Fault { get; private set; }

    /// <summary>The operating-system id of a process agent's process; null for an in-process agent.</summary>
    public int? ProcessId { get; private set; }

    /// <summary>Whether the agent has ended.</summary>
    public bool HasEnded => Volatile.Read(ref _ended) == 1;

    internal CancellationTokenSource Stopping { get; } = new();

    internal HttpClient? Client { get; set; }

    internal TimeSpan StopTimeout { get; init; }

    internal bool StopWhenBudgetExhausted { get; init; }

    /// <summary>For a process agent: completes with its process once started, or with null when the start failed.</summary>
    internal TaskCompletionSource<AgentProcess?>? ProcessStart { get; init; }

    internal OutputBuffer? Output { get; init; }

    /// <summary>Whether <see cref="AgentRuntime.StopAgentAsync"/> was called (an exit after it counts as stopped).</summary>
    internal bool StopRequested => Volatile.Read(ref _stopRequested) == 1;

    /// <summary>Waits until the agent has ended.</summary>
    /// <param name="cancellationToken">Stops waiting (not the agent).</param>
    /// <returns>A task completing when the agent has ended.</returns>
    public Task WaitForExitAsync(CancellationToken cancellationToken = default) => _exited.Task.WaitAsync(cancellationToken);

    /// <summary>
    /// The latest lines a process agent wrote to standard output and error, oldest first (at most
    /// <see cref="ProcessAgentOptions.OutputLinesKept"/>); empty for an in-process agent.
    /// </summary>
    /// <returns>A snapshot of the lines.</returns>
    public IReadOnlyList<AgentOutputLine> GetRecentOutput() => Output?.Snapshot() ?? [];

    /// <summary>Marks the stop request; true only for the first caller.</summary>
    internal bool TryRequestStop() => Interlocked.Exchange(ref _stopRequested, 1) == 0;

    internal void AttachProcess(AgentProcess process)
    {
        ProcessId = process.Id;
        ProcessStart?.TrySetResult(process);
    }

    internal bool TrySetStatus(AgentStatus from, AgentStatus to)
        => Interlocked.CompareExchange(ref _status, (int)to, (int)from) == (int)from;

    /// <summary>Records the end once (false if it was already recorded); waiters are released by <see cref="ReleaseWaiters"/>.</summary>
    internal bool TrySetEnded(AgentStatus status, int? exitCode, Exception? fault, DateTimeOffset endedAt)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 1)
        {
            return false;
        }

        EndedAt = endedAt;
        ExitCode = exitCode;
        Fault = fault;
        _status = (int)status;
        return true;
    }

    /// <summary>Completes <see cref="WaitForExitAsync"/>: after the end's event and record, so a caller that awaited the end sees both.</summary>
    internal void ReleaseWaiters() => _exited.TrySetResult();
}
