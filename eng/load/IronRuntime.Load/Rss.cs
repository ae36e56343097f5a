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

    public static int OpenDescriptors(int pid) => Directory.Exists($"/proc/{pid}/fd") ? Directory.GetFiles($"/proc/{pid}/fd").Length : 0;
}
