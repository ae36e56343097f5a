using System.ComponentModel;
using System.Diagnostics;

namespace IronRuntime.Agents.Processes;

/// <summary>
/// A running agent process: its output read line by line, graceful termination (SIGTERM) and killing of its whole
/// process tree and process group, and an exit that completes only once its output has been read.
/// </summary>
/// <remarks>
/// On Linux the agent starts through <c>setsid</c> and leads its own process group: SIGTERM goes to the whole group,
/// and when the agent's main process ends (by itself or stopped), whatever it left running in the group is killed,
/// so no orphan outlives the agent. Without <c>setsid</c> the signals go to the main process and killing walks the
/// process tree.
/// </remarks>
internal sealed class AgentProcess : IDisposable
{
    /// <summary>How long output still held open by a stray process is awaited after the agent exited.</summary>
    private static readonly TimeSpan OutputDrainTimeout = TimeSpan.FromSeconds(2);

    private readonly Process _process;
    private readonly bool _leadsGroup;
    private readonly Task _output;

    private AgentProcess(Process process, bool leadsGroup, Action<bool, string> onLine, TimeProvider timeProvider)
    {
        _process = process;
        _leadsGroup = leadsGroup;
        Id = process.Id;
        _output = Task.WhenAll(
            ReadAsync(process.StandardOutput.BaseStream, isError: false, onLine),
            ReadAsync(process.StandardError.BaseStream, isError: true, onLine));
        Exited = WatchAsync(timeProvider);
    }

    /// <summary>The process id (also the process group id on Linux).</summary>
    public int Id { get; }

    /// <summary>Completes with the exit code once the process has exited and its output has been read.</summary>
    public Task<int> Exited { get; }

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
        string? setsid = UnixSignals.SetsidPath;
        if (setsid is null)
        {
            startInfo.FileName = command.FileName;
        }
        else
        {
            startInfo.FileName = setsid; // setsid execs the program in place: same pid, now a group leader
            startInfo.ArgumentList.Add(command.FileName);
        }

        foreach (string argument in command.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        configureEnvironment(startInfo.Environment);
        var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
            process.StandardInput.Close(); // an agent reading standard input sees its end, not the host's console
        }
        catch
        {
            process.Dispose();
            throw;
        }

        return new AgentProcess(process, setsid is not null, onLine, timeProvider);
    }

    /// <summary>Asks the agent to stop: SIGTERM to its process group (or process). False where there is no such signal (Windows).</summary>
    public bool Terminate() => UnixSignals.Send(_leadsGroup ? -Id : Id, UnixSignals.SigTerm);

    /// <summary>Kills the agent's whole process tree, then whatever is left in its process group.</summary>
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
    }

    public void Dispose() => _process.Dispose();

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
            UnixSignals.Send(-Id, UnixSignals.SigKill);
        }
    }
}
