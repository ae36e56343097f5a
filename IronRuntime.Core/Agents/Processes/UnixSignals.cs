using System.Runtime.InteropServices;

namespace IronRuntime.Agents.Processes;

/// <summary>
/// POSIX signals for process agents: <c>kill(2)</c>, which .NET does not expose for anything but SIGKILL, and the
/// <c>setsid</c> program that starts an agent as the leader of its own process group.
/// </summary>
internal static partial class UnixSignals
{
    /// <summary>SIGTERM: please stop.</summary>
    public const int SigTerm = 15;

    /// <summary>SIGSTOP (Linux numbering): freeze, so that a process being killed cannot fork meanwhile.</summary>
    public const int SigStop = 19;

    /// <summary>SIGKILL: stop now.</summary>
    public const int SigKill = 9;

    /// <summary>
    /// The <c>setsid</c> program (Linux), or null. Started through it, an agent leads a new session and process group
    /// whose id is its pid, so that one signal reaches every process it started, even those its own exit orphaned.
    /// </summary>
    public static string? SetsidPath { get; } = OperatingSystem.IsLinux() ? ExecutableLocator.Find("setsid") : null;

    /// <summary>Sends <paramref name="signal"/> to a process, or to process group <c>-pid</c>; false when nothing was signalled.</summary>
    public static bool Send(int pid, int signal)
        => (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()) && Kill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
