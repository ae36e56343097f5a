namespace IronRuntime.Agents;

/// <summary>How to start an agent as a child process (<see cref="AgentRuntime.StartAgentAsync(string, ProcessAgentOptions?, CancellationToken)"/>).</summary>
public sealed class ProcessAgentOptions : AgentOptions
{
    /// <summary>
    /// The program that runs the file: a path, or a name looked up on <c>PATH</c>. Null for the default:
    /// <c>python3</c> (else <c>python</c>) for <c>.py</c>, <c>node</c> for <c>.js</c>/<c>.mjs</c>/<c>.cjs</c>, and the
    /// file itself, as an executable, for anything else.
    /// </summary>
    public string? Interpreter { get; set; }

    /// <summary>
    /// Arguments passed to the agent after the file name. An argument that contains a real provider key is refused:
    /// a command line is readable by every user of the machine.
    /// </summary>
    public IList<string> Arguments { get; } = [];

    /// <summary>The working directory; null for the directory of the agent's file.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>
    /// Extra environment variables, over the host's environment (a null value removes a variable). The runtime's own
    /// variables (<c>OPENAI_BASE_URL</c>, <c>OPENAI_API_KEY</c>, <c>ANTHROPIC_BASE_URL</c>, <c>ANTHROPIC_API_KEY</c>,
    /// <c>IRON_AGENT_ID</c>) always win, and a value that contains a real provider key is refused.
    /// </summary>
    public IDictionary<string, string?> Environment { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>
    /// Linux: the user the agent runs as, a name or a numeric id; null (the default) for the host's user. The agent is
    /// started through <c>setpriv</c> (util-linux), which the host must be allowed to use for this: root, or
    /// CAP_SETUID and CAP_SETGID. <c>HOME</c>, <c>USER</c> and <c>LOGNAME</c> are set to the user's. The agent's file,
    /// interpreter and working directory must be readable by that user. An agent of another user can neither read
    /// the host's environment or memory nor signal it.
    /// </summary>
    public string? User { get; set; }

    /// <summary>
    /// Linux: the group the agent runs as, a name or a numeric id; null for the primary group of <see cref="User"/>.
    /// The supplementary groups are the user's (none for a numeric user id without an entry in the user database).
    /// </summary>
    public string? Group { get; set; }

    /// <summary>How many of the latest standard output and error lines the handle keeps (default 200, at least 1).</summary>
    public int OutputLinesKept { get; set; } = 200;
}
