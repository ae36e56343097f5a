using System.Globalization;

namespace IronRuntime.Agents.Processes;

/// <summary>One process as <c>/proc/&lt;pid&gt;/stat</c> describes it.</summary>
/// <param name="Pid">The process id.</param>
/// <param name="ParentPid">The parent's id (the subreaper or init once the parent died).</param>
/// <param name="Group">The process group id.</param>
/// <param name="Session">The session id.</param>
/// <param name="State">The state letter; <c>Z</c> for a zombie (exited, not yet reaped).</param>
/// <param name="StartTime">Clock ticks after boot at which it started: with the pid, names the process uniquely.</param>
internal readonly record struct ProcessEntry(int Pid, int ParentPid, int Group, int Session, char State, ulong StartTime)
{
    /// <summary>Whether it has exited (a zombie or dead, waiting to be reaped).</summary>
    public bool HasExited => State is 'Z' or 'X' or 'x';
}

/// <summary>A snapshot of every process on the machine (Linux, from <c>/proc</c>).</summary>
internal sealed class ProcessTable
{
    private readonly Dictionary<int, ProcessEntry> _entries;
    private Dictionary<int, List<int>>? _children;

    private ProcessTable(Dictionary<int, ProcessEntry> entries) => _entries = entries;

    /// <summary>All processes that could be read (one that ends during the read is left out).</summary>
    public IEnumerable<ProcessEntry> Entries => _entries.Values;

    /// <summary>Reads <c>/proc</c>; an empty table where there is none.</summary>
    public static ProcessTable Read()
    {
        var entries = new Dictionary<int, ProcessEntry>();
        if (!OperatingSystem.IsLinux())
        {
            return new ProcessTable(entries);
        }

        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory.AsSpan()), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
                && TryReadStat(pid, out var entry))
            {
                entries[pid] = entry;
            }
        }

        return new ProcessTable(entries);
    }

    /// <summary>Reads one process's <c>stat</c>; false when it is gone.</summary>
    public static bool TryReadStat(int pid, out ProcessEntry entry)
    {
        entry = default;
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false; // ended meanwhile (FileNotFound/DirectoryNotFound are IOExceptions)
        }

        // "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
        //  priority nice threads itrealvalue starttime ...": comm may hold spaces and parentheses, so split after the last ')'.
        int close = stat.LastIndexOf(')');
        if (close < 0 || close + 2 >= stat.Length)
        {
            return false;
        }

        string[] fields = stat[(close + 2)..].Split(' ');
        if (fields.Length < 20
            || !int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int parent)
            || !int.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out int group)
            || !int.TryParse(fields[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out int session)
            || !ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out ulong startTime))
        {
            return false;
        }

        entry = new ProcessEntry(pid, parent, group, session, fields[0][0], startTime);
        return true;
    }

    public bool TryGet(int pid, out ProcessEntry entry) => _entries.TryGetValue(pid, out entry);

    /// <summary>The ids of the processes whose parent is <paramref name="pid"/>.</summary>
    public IReadOnlyList<int> ChildrenOf(int pid)
    {
        if (_children is null)
        {
            var children = new Dictionary<int, List<int>>();
            foreach (var entry in _entries.Values)
            {
                if (!children.TryGetValue(entry.ParentPid, out var list))
                {
                    children[entry.ParentPid] = list = [];
                }

                list.Add(entry.Pid);
            }

            _children = children;
        }

        return _children.TryGetValue(pid, out var found) ? found : [];
    }
}
