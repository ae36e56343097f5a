namespace IronRuntime.Agents;

/// <summary>
/// How the host process protects itself from its process agents on Linux (<see cref="RuntimeConfig.ProcessHardening"/>).
/// Both apply to the whole host process, once, when the first process agent of any runtime in it starts; they cannot be
/// undone by a runtime started later with other options. See <c>docs/security.md</c>.
/// </summary>
public sealed class ProcessHardeningOptions
{
    /// <summary>
    /// Make the host non-dumpable (<c>prctl(PR_SET_DUMPABLE, 0)</c>, default true): a process of the same user — an agent
    /// included — can then read neither the host's <c>/proc/&lt;pid&gt;/environ</c>, where the real keys often are,
    /// nor its memory, and cannot ptrace it. The price: no core dump of the host, and a debugger or <c>createdump</c>
    /// can attach only with CAP_SYS_PTRACE (as root). Set false to keep the host debuggable.
    /// </summary>
    public bool NonDumpableHost { get; set; } = true;

    /// <summary>
    /// Make the host a child subreaper (<c>prctl(PR_SET_CHILD_SUBREAPER, 1)</c>, default true): what an agent leaves
    /// running when its parent ends — a daemon that double-forked and called <c>setsid</c>, say — is re-parented to the
    /// host instead of init, so stopping the agent finds it, kills it and reaps it. Orphans of other programs the host
    /// starts come to the host as well (the runtime reaps only those of its agents). Set false if the host is itself
    /// managed as a subreaper or starts daemons of its own.
    /// </summary>
    public bool ChildSubreaper { get; set; } = true;
}
