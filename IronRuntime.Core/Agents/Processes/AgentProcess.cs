using System.ComponentModel;
using System.Diagnostics;
using System.Security.Cryptography;

namespace IronRuntime.Agents.Processes;

/// <summary>
/// A running agent process: its output read line by line, graceful termination (SIGTERM) and killing of its whole
/// process tree and process group, and an exit that completes only once its output has been read.
/// </summary>
/// <remarks>
/// On Linux the agent starts through <c>setsid</c> and leads its own process group: SIGTERM goes to the whole group,
/// and when the agent's main process ends (by itself or stopped), whatever it left running in the group is killed,
/// so no orphan outlives the agent. Processes that left the group (a daemon that called <c>setsid</c>) are found by
/// <see cref="AgentProcessTree"/> — looked for every second while the agent runs, and whenever it is signalled — and
/// killed with it. With <see cref="ProcessAgentOptions.User"/> the program is executed through <c>setpriv</c>, which
/// switches to that user first (same pid); where <see cref="ParentDeathSignal"/> is available, the same <c>setpriv</c> gives
/// the agent a parent-death signal, so it dies with the host. Without <c>setsid</c> the signals go to the main process and killing walks
/// the process tree.
/// </remarks>
internal sealed class AgentProcess : IDisposable
{
    /// <summary>How long output still held open by a stray process is awaited after the agent exited.</summary>
    private static readonly TimeSpan OutputDrainTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How often the agent's processes are looked for (and its exited orphans reaped) while it runs.</summary>
    private static readonly TimeSpan TreeRefreshPeriod = TimeSpan.FromSeconds(1);

    private readonly Process _process;
    private readonly bool _leadsGroup;
    private readonly Task _output;
    private readonly AgentProcessTree? _tree;
    private readonly ITimer? _treeTimer;

    private AgentProcess(Process process, bool leadsGroup, string marker, Action<bool, string> onLine, TimeProvider timeProvider)
    {
        _process = process;
        _leadsGroup = leadsGroup;
        Id = process.Id;
        if (leadsGroup && OperatingSystem.IsLinux())
        {
            var cgroup = AgentCgroup.TryCreate();
            if (cgroup is not null && !cgroup.TryAdd(Id))
            {
                cgroup.TryDelete();
                cgroup = null;
            }

            _tree = new AgentProcessTree(Id, marker, cgroup);
            _treeTimer = timeProvider.CreateTimer(static state => RefreshTree((AgentProcessTree)state!), _tree, TreeRefreshPeriod, TreeRefreshPeriod);
        }

        _output = Task.WhenAll(
            ReadAsync(process.StandardOutput.BaseStream, isError: false, onLine),
            ReadAsync(process.StandardError.BaseStream, isError: true, onLine));
        Exited = WatchAsync(timeProvider);
    }

    /// <summary>The process id (also the process group id on Linux).</summary>
    public int Id { get; }

    /// <summary>Completes with the exit code once the process has exited, every process it started has been killed, and its output has been read.</summary>
    public Task<int> Exited { get; }

    /// <summary>Whether processes the agent started survived every attempt to kill them (see <see cref="AgentProcessTree"/>).</summary>
    public bool LeftSurvivors { get; private set; }

    /// <summary>Starts <paramref name="command"/>; <paramref name="configureEnvironment"/> edits the host's environment first.</summary>
    /// <exception cref="Win32Exception">The program could not be started.</exception>
    public static AgentProcess Start(
        AgentCommand command,
        Action<IDictionary<string, string?>> configureEnvironment,
        Action<bool, string> onLine,
        TimeProvider timeProvider)
    {
        var startInfo = new ProcessStartInfo
        {
            UseShellExecute = false,
            CreateNoWindow = true,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = command.WorkingDirectory,
        };
        string? setsid = UnixProcessControl.SetsidPath;
        var launcher = new List<string>();
        if (setsid is not null)
        {
            launcher.Add(setsid); // setsid execs the next program in place: same pid, now a session and group leader
        }

        bool parentDeath = ParentDeathSignal.IsAvailable;
        if (parentDeath || command.Identity is not null)
        {
            launcher.Add(AgentIdentity.SetprivPath!); // setpriv sets what follows, then execs the program (same pid)
            if (parentDeath)
            {
                launcher.AddRange(ParentDeathSignal.SetprivOptions); // the agent dies with the host, even a SIGKILLed one
            }

            launcher.AddRange(command.Identity?.SetprivArguments() ?? []); // switches user and groups (before the signal is set)
            launcher.Add("--");
        }

        if (command.Identity is { } identity)
        {
            if (identity.UserName is { } name)
            {
                startInfo.Environment["USER"] = name;
                startInfo.Environment["LOGNAME"] = name;
            }

            if (identity.Home is { } home)
            {
                startInfo.Environment["HOME"] = home;
            }
        }

        launcher.Add(command.FileName);
        startInfo.FileName = launcher[0];
        foreach (string argument in launcher.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (string argument in command.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        configureEnvironment(startInfo.Environment);

        // Inherited by everything the agent starts: finds its orphans even after they left its session.
        string marker = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        startInfo.Environment[AgentProcessTree.MarkerVariable] = marker;
        var process = new Process { StartInfo = startInfo };
        try
        {
            ParentDeathSignal.Start(process); // on the thread whose end the kernel takes for the host's
            process.StandardInput.Close(); // an agent reading standard input sees its end, not the host's console
        }
        catch
        {
            process.Dispose();
            throw;
        }

        return new AgentProcess(process, setsid is not null, marker, onLine, timeProvider);
    }

    /// <summary>Asks the agent to stop: SIGTERM to its process group (or process). False where there is no such signal (Windows).</summary>
    public bool Terminate()
    {
        bool sent = UnixProcessControl.Send(_leadsGroup ? -Id : Id, UnixProcessControl.SigTerm);
        TrySignalTree(UnixProcessControl.SigTerm); // and the processes that left the group
        return sent;
    }

    /// <summary>Kills the agent's whole process tree, whatever is left in its process group, and every process that left it.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or AggregateException or NotSupportedException)
        {
            // Already exited (or disposed), or part of the tree could not be killed: the group signal below sweeps the rest.
        }

        SweepGroup();
        TrySignalTree(UnixProcessControl.SigKill);
    }

    public void Dispose()
    {
        _treeTimer?.Dispose();
        _process.Dispose();
    }

    private static void RefreshTree(AgentProcessTree tree)
    {
        try
        {
            tree.Refresh();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // /proc could not be read this time; the next look (or the stop) tries again.
        }
    }

    private void TrySignalTree(int signal)
    {
        try
        {
            _tree?.Signal(signal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // /proc could not be read: the kill after the exit looks again.
        }
    }

    private static async Task ReadAsync(Stream stream, bool isError, Action<bool, string> onLine)
    {
        try
        {
            await OutputLineReader.ReadLinesAsync(stream, line => onLine(isError, line)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The pipe was closed under the reader (see WatchAsync): the output ends here.
        }
    }

    private async Task<int> WatchAsync(TimeProvider timeProvider)
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        int exitCode = _process.ExitCode;

        // The agent is gone: nothing it started may outlive it (this also closes the output pipes they inherited).
        SweepGroup();
        if (_tree is not null)
        {
            _treeTimer!.Dispose();
            try
            {
                LeftSurvivors = !await _tree.KillAllAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LeftSurvivors = true; // /proc could not be read
            }
        }

        try
        {
            await _output.WaitAsync(OutputDrainTimeout, timeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A process outside the group still holds the pipes open: stop reading.
            _process.StandardOutput.BaseStream.Dispose();
            _process.StandardError.BaseStream.Dispose();
        }

        return exitCode;
    }

    private void SweepGroup()
    {
        if (_leadsGroup)
        {
            UnixProcessControl.Send(-Id, UnixProcessControl.SigKill);
        }
    }
}
