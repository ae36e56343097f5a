using System.Globalization;

namespace IronRuntime.Load;

/// <summary>
/// Where the memory of a process goes, after a full blocking collection: live managed bytes (what the streams
/// actually hold), the GC's committed bytes (live + fragmentation + budget the GC keeps), and RSS (also native
/// memory: Kestrel's and the sockets' pinned blocks, thread stacks, code).
/// </summary>
internal static class HeapReport
{
    /// <summary>
    /// Collects fully and describes the heap: <c>live=… committed=… fragmented=… rss=…</c> in bytes, and — taken before
    /// the forced collection — the collections so far (<c>gcs=</c>), their total pause (<c>pause_us=</c>) and the
    /// thread pool's threads and queued work items.
    /// </summary>
    public static string Collect()
    {
        long pauseUs = (long)GC.GetTotalPauseDuration().TotalMicroseconds;
        int collections = GC.CollectionCount(0);
        int threads = ThreadPool.ThreadCount;
        long queued = ThreadPool.PendingWorkItemCount;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GCMemoryInfo info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        return string.Create(CultureInfo.InvariantCulture,
            $"live={GC.GetTotalMemory(false)} committed={info.TotalCommittedBytes} fragmented={info.FragmentedBytes} rss={Rss.Of(Environment.ProcessId)} gcs={collections} pause_us={pauseUs} threads={threads} queued={queued}");
    }

    /// <summary>The collector's and the thread pool's counters now, without collecting: <c>gcs=… gen2=… pause_us=… threads=… queued=… allocated=…</c>.</summary>
    public static string Stats()
        => string.Create(CultureInfo.InvariantCulture,
            $"gcs={GC.CollectionCount(0)} gen2={GC.CollectionCount(2)} pause_us={(long)GC.GetTotalPauseDuration().TotalMicroseconds} threads={ThreadPool.ThreadCount} queued={ThreadPool.PendingWorkItemCount} allocated={GC.GetTotalAllocatedBytes(false)}");

    /// <summary>Parses a <see cref="Collect"/> line into its numbers.</summary>
    public static Dictionary<string, long> Parse(string report)
        => report.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('='))
            .Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0], kv => long.Parse(kv[1], CultureInfo.InvariantCulture));
}
