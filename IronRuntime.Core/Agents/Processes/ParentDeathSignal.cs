using System.Collections.Concurrent;
using System.Diagnostics;

namespace IronRuntime.Agents.Processes;

/// <summary>
/// Ties an agent process to the host's life on Linux: the agent is executed through <c>setpriv --pdeathsig KILL</c>
/// (util-linux 2.33 or later; same pid), so the kernel kills it when the host dies, even by SIGKILL, when nothing in
/// the host runs any more to stop it.
/// </summary>
/// <remarks>
/// The kernel sends the parent-death signal when the <em>thread</em> that forked the process ends, not the process
/// (<c>prctl(2)</c>, <c>PR_SET_PDEATHSIG</c>); a thread-pool thread retires after being idle, which would kill every
/// agent started on it. So agent processes are started on one dedicated thread that lives as long as the host:
/// <see cref="Start"/>. <c>setpriv</c> sets the signal after it switched user (a credential change clears it), and
/// <c>setsid</c>, which runs first, execs in place, so the host stays the parent. Processes the agent started have
/// no such signal: they are the agent's process group's, found by <see cref="AgentProcessTree"/> while the host lives.
/// </remarks>
internal static class ParentDeathSignal
{
    private static readonly BlockingCollection<Action> Starts = [];
    private static readonly Lazy<Thread> StartThread = new(() =>
    {
        var thread = new Thread(static () =>
        {
            foreach (var start in Starts.GetConsumingEnumerable())
            {
                start();
            }
        })
        {
            IsBackground = true,
            Name = "IronRuntime agent starter",
        };
        thread.Start();
        return thread;
    });

    private static readonly Lazy<bool> Available = new(static () => AgentIdentity.SetprivPath is { } setpriv && Supports(setpriv));

    /// <summary>Whether agents can be started with the signal: Linux, and a <c>setpriv</c> that has <c>--pdeathsig</c>.</summary>
    public static bool IsAvailable => OperatingSystem.IsLinux() && Available.Value;

    /// <summary>The <c>setpriv</c> options that set the signal (before any user switch and <c>--</c>).</summary>
    public static IEnumerable<string> SetprivOptions => ["--pdeathsig", "KILL"];

    /// <summary>
    /// Starts <paramref name="process"/> on the dedicated thread (waiting for it) where <see cref="IsAvailable"/>, on
    /// the calling thread otherwise. Exceptions of <see cref="Process.Start()"/> are thrown as they are.
    /// </summary>
    public static void Start(Process process)
    {
        if (!IsAvailable || Thread.CurrentThread == StartThread.Value)
        {
            process.Start();
            return;
        }

        var started = new TaskCompletionSource();
        Starts.Add(() =>
        {
            try
            {
                process.Start();
                started.SetResult();
            }
#pragma warning disable CA1031 // whatever Start threw is the caller's to see, on its own thread
            catch (Exception ex)
#pragma warning restore CA1031
            {
                started.SetException(ex);
            }
        });
        started.Task.GetAwaiter().GetResult();
    }

    private static bool Supports(string setpriv)
    {
        try
        {
            using var probe = Process.Start(new ProcessStartInfo(setpriv, "--help")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (probe is null)
            {
                return false;
            }

            var error = probe.StandardError.ReadToEndAsync();
            string help = probe.StandardOutput.ReadToEnd();
            probe.WaitForExit();
            return help.Contains("--pdeathsig", StringComparison.Ordinal) || error.GetAwaiter().GetResult().Contains("--pdeathsig", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            return false;
        }
    }
}
