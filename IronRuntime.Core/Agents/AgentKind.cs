namespace IronRuntime.Agents;

/// <summary>How an agent runs.</summary>
public enum AgentKind
{
    /// <summary>A delegate on the runtime's thread pool (<see cref="AgentRuntime.StartAgentAsync(Func{AgentContext, Task}, AgentOptions?, CancellationToken)"/>).</summary>
    InProcess = 0,

    /// <summary>A child process reaching the router through the loopback proxy.</summary>
    Process = 1,
}
