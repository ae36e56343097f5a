using IronRuntime.Internal;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Agents.Processes;

/// <summary>Applies <see cref="ProcessHardeningOptions"/> to the host process (Linux), once each, before the first process agent starts.</summary>
internal static class HostHardening
{
    private static int s_nonDumpable;
    private static int s_subreaper;

    public static void Apply(ProcessHardeningOptions options, ILogger logger)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        if (options.NonDumpableHost)
        {
            ApplyOnce(ref s_nonDumpable, UnixProcessControl.MakeNonDumpable, "PR_SET_DUMPABLE",
                "non-dumpable: agents of the same user can read neither its environment nor its memory", logger);
        }

        if (options.ChildSubreaper)
        {
            ApplyOnce(ref s_subreaper, UnixProcessControl.BecomeChildSubreaper, "PR_SET_CHILD_SUBREAPER",
                "a child subreaper: processes agents leave behind come back to it", logger);
        }
    }

    private static void ApplyOnce(ref int applied, Func<int> apply, string option, string what, ILogger logger)
    {
        if (Interlocked.CompareExchange(ref applied, 1, 0) != 0)
        {
            return;
        }

        int error = apply();
        if (error == 0)
        {
            CoreLog.HostHardened(logger, what);
        }
        else
        {
            Volatile.Write(ref applied, 0);
            CoreLog.HostHardeningFailed(logger, option, error);
        }
    }
}
