using System.Globalization;
using System.Security.Cryptography;

namespace IronRuntime.Agents.Processes;

/// <summary>
/// A cgroup v2 of one process agent (Linux, where the host may create one below its own cgroup, typically as root): a
/// process inside cannot leave it by forking, <c>setsid</c> or emptying its environment, so its members are the agent's
/// without doubt. Optional: when no cgroup can be made, <see cref="AgentProcessTree"/> works from <c>/proc</c> alone.
/// </summary>
internal sealed class AgentCgroup
{
    private readonly string _path;

    private AgentCgroup(string path) => _path = path;

    /// <summary>A new, empty cgroup below the host's own; null where cgroup v2 is missing or not writable.</summary>
    public static AgentCgroup? TryCreate()
    {
        if (!OperatingSystem.IsLinux() || HostCgroupDirectory() is not { } parent)
        {
            return null;
        }

        string path = Path.Combine(parent, "ironruntime-agent-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        try
        {
            Directory.CreateDirectory(path);
            return File.Exists(Path.Combine(path, "cgroup.procs")) ? new AgentCgroup(path) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Moves process <paramref name="pid"/> (and, from then on, everything it forks) into the cgroup; false if that failed.</summary>
    public bool TryAdd(int pid)
    {
        try
        {
            File.WriteAllText(Path.Combine(_path, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false; // gone meanwhile, or not movable
        }
    }

    /// <summary>The processes in the cgroup now.</summary>
    public IReadOnlyList<int> Members()
    {
        try
        {
            return [.. File.ReadAllLines(Path.Combine(_path, "cgroup.procs"))
                .Select(l => int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : 0)
                .Where(pid => pid > 0)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Removes the cgroup once it is empty (the kernel refuses while a process is inside); false if it is not.</summary>
    public bool TryDelete()
    {
        try
        {
            Directory.Delete(_path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return !Directory.Exists(_path);
        }
    }

    /// <summary>The directory of the host's own cgroup in the cgroup v2 hierarchy, or null.</summary>
    private static string? HostCgroupDirectory()
    {
        try
        {
            string? mount = File.ReadLines("/proc/self/mountinfo")
                .Select(l => l.Split(' '))
                .Where(f => f.Length > 8 && Array.IndexOf(f, "-") is int dash and > 0 && dash + 1 < f.Length && f[dash + 1] == "cgroup2")
                .Select(f => f[4])
                .FirstOrDefault();
            string? own = File.ReadLines("/proc/self/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..];
            if (mount is null || own is null)
            {
                return null;
            }

            string directory = Path.Join(mount, own);
            return Directory.Exists(directory) ? directory : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
