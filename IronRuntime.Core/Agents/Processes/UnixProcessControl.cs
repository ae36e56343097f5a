using System.Runtime.InteropServices;

namespace IronRuntime.Agents.Processes;

/// <summary>
/// The process controls of process agents that .NET does not expose, through libc: POSIX <c>kill(2)</c> (.NET sends
/// nothing but SIGKILL) and the <c>setsid</c> program that starts an agent as the leader of its own process group; on
/// Linux, <c>prctl(2)</c> (non-dumpable, child subreaper) and <c>waitpid(2)</c> for orphans the runtime adopted as a
/// subreaper.
/// </summary>
internal static partial class UnixProcessControl
{
    /// <summary>SIGTERM: please stop.</summary>
    public const int SigTerm = 15;

    /// <summary>SIGSTOP (Linux numbering): freeze, so that a process being killed cannot fork meanwhile.</summary>
    public const int SigStop = 19;

    /// <summary>SIGKILL: stop now.</summary>
    public const int SigKill = 9;

    private const int PrSetDumpable = 4;
    private const int PrGetDumpable = 3;
    private const int PrSetChildSubreaper = 36;
    private const int PrGetChildSubreaper = 37;
    private const int WNoHang = 1;

    /// <summary>
    /// The <c>setsid</c> program (Linux), or null. Started through it, an agent leads a new session and process group
    /// whose id is its pid, so that one signal reaches every process it started, even those its own exit orphaned.
    /// </summary>
    public static string? SetsidPath { get; } = OperatingSystem.IsLinux() ? ExecutableLocator.Find("setsid") : null;

    /// <summary>Sends <paramref name="signal"/> to a process, or to process group <c>-pid</c>; false when nothing was signalled.</summary>
    public static bool Send(int pid, int signal)
        => (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()) && Kill(pid, signal) == 0;

    /// <summary>
    /// Makes this process non-dumpable: other processes of the same user can no longer read its
    /// <c>/proc/&lt;pid&gt;/environ</c> or memory, nor ptrace it (only CAP_SYS_PTRACE can); no core dump is written.
    /// </summary>
    /// <returns>0, or the errno.</returns>
    public static int MakeNonDumpable() => Prctl(PrSetDumpable, 0, 0, 0, 0) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Whether this process is dumpable.</summary>
    public static bool IsDumpable => Prctl(PrGetDumpable, 0, 0, 0, 0) == 1;

    /// <summary>
    /// Makes this process a child subreaper: a process whose parent ends is re-parented to the nearest subreaper among
    /// its ancestors instead of init, so whatever an agent leaves behind stays a descendant of the runtime.
    /// </summary>
    /// <returns>0, or the errno.</returns>
    public static int BecomeChildSubreaper() => Prctl(PrSetChildSubreaper, 1, 0, 0, 0) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Whether this process is a child subreaper.</summary>
    public static unsafe bool IsChildSubreaper
    {
        get
        {
            int value = 0;
            return Prctl(PrGetChildSubreaper, (nuint)(&value), 0, 0, 0) == 0 && value != 0;
        }
    }

    /// <summary>
    /// Reaps child <paramref name="pid"/> if it has exited (never blocks). Only for adopted orphans: the exit status of
    /// a process .NET started belongs to .NET's own <c>Process</c> bookkeeping.
    /// </summary>
    /// <returns>Whether it was reaped.</returns>
    public static bool TryReap(int pid) => WaitPid(pid, out _, WNoHang) == pid;

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static partial int WaitPid(int pid, out int status, int options);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
