namespace IronRuntime.Agents;

/// <summary>One line a process agent wrote (lines longer than 4 KiB arrive in pieces).</summary>
/// <param name="Timestamp">When the runtime read it.</param>
/// <param name="IsError">True for standard error, false for standard output.</param>
/// <param name="Text">The line, without its line break.</param>
public readonly record struct AgentOutputLine(DateTimeOffset Timestamp, bool IsError, string Text);
