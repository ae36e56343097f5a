using System.Text;

namespace IronRuntime.Agents.Processes;

/// <summary>
/// Every process a process agent started, however it tried to leave (Linux): found in <c>/proc</c>, killed with the
/// agent, and reaped when the runtime adopted it as a child subreaper.
/// </summary>
/// <remarks>
/// A process belongs to the agent when any of these holds: it is in the agent's session or process group (the agent
/// leads both); its parent belongs to the agent (known from an earlier look, even if it has since called
/// <c>setsid</c>); or it is an orphan the runtime adopted (a child of the host) whose environment carries the agent's
/// instance marker, which every descendant inherits. Processes are named by pid and start time, so a reused pid is
/// never mistaken for one seen before. The agent's own process is not part of the set: .NET started it and reaps it.
/// Where the host can make one, the agent also has an <see cref="AgentCgroup"/>: every process found is moved into it,
/// and its members are the agent's whatever they did since (fork, <c>setsid</c>, an emptied environment). Without a
/// cgroup, an orphan that scrubbed its environment before a look found it cannot be attributed; docs/security.md says so.
/// </remarks>
internal sealed class AgentProcessTree
{
    /// <summary>The variable that marks every process of one agent instance.</summary>
    public const string MarkerVariable = "IRON_AGENT_INSTANCE";

    private const int MaxKillRounds = 250;
    private static readonly TimeSpan KillRoundDelay = TimeSpan.FromMilliseconds(20);

    private readonly int _root;
    private readonly int _host = Environment.ProcessId;
    private readonly byte[] _marker;
    private readonly Dictionary<int, ulong> _known = [];
    private readonly Lock _lock = new();

    private readonly AgentCgroup? _cgroup;

    public AgentProcessTree(int root, string markerValue, AgentCgroup? cgroup = null)
    {
        _root = root;
        _cgroup = cgroup;
        _marker = Encoding.ASCII.GetBytes(MarkerVariable + "=" + markerValue + "\0");
    }

    /// <summary>How many of the agent's other processes were seen at the last look.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _known.Count;
            }
        }
    }

    /// <summary>Looks at <c>/proc</c> again, and reaps the agent's orphans that have exited.</summary>
    public void Refresh()
    {
        var table = ProcessTable.Read();
        lock (_lock)
        {
            Update(table);
            Reap(table);
        }
    }

    /// <summary>Sends <paramref name="signal"/> to every process of the agent found now (not to the agent itself).</summary>
    public void Signal(int signal)
    {
        var table = ProcessTable.Read();
        lock (_lock)
        {
            Update(table);
            foreach (int pid in _known.Keys)
            {
                if (table.TryGet(pid, out var entry) && !entry.HasExited)
                {
                    UnixProcessControl.Send(pid, signal);
                }
            }
        }
    }

    /// <summary>
    /// Kills every process of the agent (stopped first, so none can fork meanwhile) until none is left, and reaps the
    /// orphans among them. Polls the kernel's clock: the processes die on real time, not the runtime's.
    /// </summary>
    /// <returns>True when nothing is left; false if processes still remained after the last round.</returns>
    public async Task<bool> KillAllAsync()
    {
        for (int round = 0; round < MaxKillRounds; round++)
        {
            var table = ProcessTable.Read();
            lock (_lock)
            {
                Update(table);
                Reap(table);
                if (_known.Count == 0)
                {
                    _cgroup?.TryDelete();
                    return true;
                }

                foreach (int pid in _known.Keys)
                {
                    if (table.TryGet(pid, out var entry) && !entry.HasExited)
                    {
                        UnixProcessControl.Send(pid, UnixProcessControl.SigStop);
                    }
                }

                foreach (int pid in _known.Keys)
                {
                    if (table.TryGet(pid, out var entry) && !entry.HasExited)
                    {
                        UnixProcessControl.Send(pid, UnixProcessControl.SigKill);
                    }
                }
            }

            await Task.Delay(KillRoundDelay, TimeProvider.System).ConfigureAwait(false);
        }

        return false;
    }

    /// <summary>Brings the set of the agent's processes up to date with <paramref name="table"/>.</summary>
    private void Update(ProcessTable table)
    {
        // Forget what is gone (reaped, or a pid now naming another process).
        foreach (var (pid, startTime) in _known.ToList())
        {
            if (!table.TryGet(pid, out var entry) || entry.StartTime != startTime)
            {
                _known.Remove(pid);
            }
        }

        var pending = new Queue<int>();
        pending.Enqueue(_root);
        foreach (int pid in _known.Keys)
        {
            pending.Enqueue(pid);
        }

        foreach (int pid in _cgroup?.Members() ?? [])
        {
            if (pid != _root && !_known.ContainsKey(pid) && table.TryGet(pid, out var member))
            {
                Add(member, pending);
            }
        }

        foreach (var entry in table.Entries)
        {
            if (entry.Pid != _root && !_known.ContainsKey(entry.Pid)
                && ((entry.Session == _root || entry.Group == _root) || (entry.ParentPid == _host && HasMarker(entry.Pid))))
            {
                Add(entry, pending);
            }
        }

        // Everything below a process of the agent is the agent's too.
        while (pending.TryDequeue(out int parent))
        {
            foreach (int child in table.ChildrenOf(parent))
            {
                if (child != _root && !_known.ContainsKey(child) && table.TryGet(child, out var entry))
                {
                    Add(entry, pending);
                }
            }
        }
    }

    private void Add(ProcessEntry entry, Queue<int> pending)
    {
        _known[entry.Pid] = entry.StartTime;
        pending.Enqueue(entry.Pid);
        if (!entry.HasExited)
        {
            _cgroup?.TryAdd(entry.Pid); // from now on nothing it does takes it (or what it forks) out of the agent
        }
    }

    /// <summary>Reaps the agent's exited processes that are the runtime's children (adopted orphans).</summary>
    private void Reap(ProcessTable table)
    {
        foreach (int pid in _known.Keys.ToList())
        {
            if (table.TryGet(pid, out var entry) && entry.HasExited && entry.ParentPid == _host && UnixProcessControl.TryReap(pid))
            {
                _known.Remove(pid);
            }
        }
    }

    private bool HasMarker(int pid)
    {
        byte[] environment;
        try
        {
            environment = File.ReadAllBytes($"/proc/{pid}/environ");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        ReadOnlySpan<byte> span = environment;
        int at = span.IndexOf(_marker);
        return at == 0 || (at > 0 && span[at - 1] == 0);
    }
}
