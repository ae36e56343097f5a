using System.Runtime.InteropServices;

namespace IronRuntime.Router.Admission;

/// <summary>
/// The process's open-file limit (<c>RLIMIT_NOFILE</c>) on Linux and macOS: every socket is a file descriptor, and a
/// process that runs out cannot even open an assembly or print an error — .NET then aborts with "Out of memory.".
/// The proxy sizes its capacity from this limit so that it refuses calls long before that.
/// </summary>
internal static partial class DescriptorLimit
{
    private const int LinuxNoFile = 7;
    private const int MacNoFile = 8;

    /// <summary>Raises the soft limit to the hard one (allowed without privileges); returns (old soft, new soft), or null when unknown.</summary>
    public static (ulong Before, ulong After)? RaiseSoftToHard()
    {
        if (!TryGet(out var limit))
        {
            return null;
        }

        ulong before = limit.Current;
        if (limit.Current < limit.Maximum)
        {
            var raised = limit with { Current = OperatingSystem.IsMacOS() ? Math.Min(limit.Maximum, 10_240UL) : limit.Maximum };
            if (SetRLimit(Resource, in raised) == 0)
            {
                limit = raised;
            }
        }

        return (before, limit.Current);
    }

    /// <summary>The soft limit in force, or null when unknown or unlimited.</summary>
    public static long? Current()
        => TryGet(out var limit) && limit.Current < long.MaxValue ? (long)limit.Current : null;

    /// <summary>Descriptors open now (Linux), or null when unknown.</summary>
    public static int? OpenNow()
    {
        try
        {
            return OperatingSystem.IsLinux() ? Directory.GetFiles("/proc/self/fd").Length : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int Resource => OperatingSystem.IsMacOS() ? MacNoFile : LinuxNoFile;

    private static bool TryGet(out RLimit limit)
    {
        limit = default;
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return false;
        }

        try
        {
            return GetRLimit(Resource, out limit) == 0;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "getrlimit")]
    private static partial int GetRLimit(int resource, out RLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit")]
    private static partial int SetRLimit(int resource, in RLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct RLimit(ulong Current, ulong Maximum);
}
