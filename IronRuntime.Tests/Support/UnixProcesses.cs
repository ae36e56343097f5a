using System.Globalization;

namespace IronRuntime.Tests.Support;

/// <summary>What <c>/proc</c> says about processes: ids, sessions, whether one exists at all (zombies included).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static class UnixProcesses
{
    /// <summary>Whether the test process runs with user id 0.</summary>
    public static bool IsRoot => Status(Environment.ProcessId, "Uid:").Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == "0";

    /// <summary>Whether <c>/proc/&lt;pid&gt;</c> exists: true for a zombie too, false once its parent has reaped it.</summary>
    public static bool Exists(int pid) => Directory.Exists($"/proc/{pid}");

    /// <summary>The session id of a live process.</summary>
    public static int SessionOf(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[3], CultureInfo.InvariantCulture); // state, ppid, pgrp, session
    }

    /// <summary>A line of <c>/proc/&lt;pid&gt;/status</c> (its value after the tab).</summary>
    public static string Status(int pid, string field)
        => File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field, StringComparison.Ordinal))[field.Length..].Trim();

    /// <summary>Kills a process left behind by a failed test, if it still runs.</summary>
    public static void KillIfAlive(int pid)
    {
        if (!ProcessAgents.IsAlive(pid))
        {
            return;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Gone meanwhile.
        }
    }

    /// <summary>An executable shell script in a fresh temporary directory (deleted by the caller).</summary>
    public static string WriteScript(string text)
    {
        string directory = Directory.CreateTempSubdirectory("iron-test-").FullName;
        string path = Path.Combine(directory, "run.sh");
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return path;
    }

    /// <summary>
    /// An unprivileged system user (and its group) for agents to run as, created with <c>useradd</c> the first time;
    /// returns its uid and gid.
    /// </summary>
    public static (int Uid, int Gid) EnsureUser(string name)
    {
        // Another test run on the machine may create it at the same moment (useradd then fails: exists, or /etc/passwd locked).
        int exitCode = 0;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            if (FindUser(name) is { } found)
            {
                return found;
            }

            using var useradd = System.Diagnostics.Process.Start("useradd", ["--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name])!;
            useradd.WaitForExit();
            exitCode = useradd.ExitCode;
            Thread.Sleep(100 * attempt);
        }

        return FindUser(name) ?? throw new InvalidOperationException($"useradd {name} failed with exit code {exitCode}.");
    }

    private static (int Uid, int Gid)? FindUser(string name)
    {
        foreach (string line in File.ReadLines("/etc/passwd"))
        {
            string[] fields = line.Split(':');
            if (fields.Length > 3 && fields[0] == name)
            {
                return (int.Parse(fields[2], CultureInfo.InvariantCulture), int.Parse(fields[3], CultureInfo.InvariantCulture));
            }
        }

        return null;
    }
}
