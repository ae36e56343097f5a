using System.Globalization;

namespace IronRuntime.Load;

/// <summary>Resident memory and open descriptors of a process, from <c>/proc</c>.</summary>
internal static class Rss
{
    public static long Of(int pid)
    {
        if (!File.Exists($"/proc/{pid}/status"))
        {
            return 0; // the process has ended
        }

        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                string kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    /// <summary>CPU time (user + system) the process has used so far, in seconds, from <c>/proc/&lt;pid&gt;/stat</c>.</summary>
    public static double CpuSeconds(int pid)
    {
        if (!File.Exists($"/proc/{pid}/stat"))
        {
            return double.NaN;
        }

        // Fields after "(comm)": state is field 3, utime field 14 and stime field 15, in clock ticks (100 per second on Linux).
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    public static int OpenDescriptors(int pid) => Directory.Exists($"/proc/{pid}/fd") ? Directory.GetFiles($"/proc/{pid}/fd").Length : 0;
}
