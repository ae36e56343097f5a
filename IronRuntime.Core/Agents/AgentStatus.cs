namespace IronRuntime.Agents;

/// <summary>Where an agent is in its life.</summary>
public enum AgentStatus
{
    /// <summary>Being started.</summary>
    Starting = 0,

    /// <summary>Running.</summary>
    Running = 1,

    /// <summary>Asked to stop; shutting down.</summary>
    Stopping = 2,

    /// <summary>Stopped on request.</summary>
    Stopped = 3,

    /// <summary>Ended by itself; see <see cref="AgentHandle.ExitCode"/>.</summary>
    Exited = 4,

    /// <summary>Ended with an error; see <see cref="AgentHandle.Fault"/>.</summary>
    Failed = 5,
}
