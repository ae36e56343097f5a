using System.Diagnostics;
using System.Globalization;
using IronRuntime.State;
using Microsoft.Extensions.Logging.Abstractions;

namespace IronRuntime.Benchmarks.Profiling;

/// <summary>
/// Where a burst of durable reservations spends its time (issue #8): the same bursts as
/// <see cref="State.DurableReservationBenchmark"/>'s <c>Durable200InFlight</c> (200 <see cref="Task.Run(Func{Task})"/>s
/// each awaiting <c>ReserveAsync</c>, then 200 releases), timed per phase:
/// <code>
/// dotnet run -c Release --project IronRuntime.Benchmarks -- profile durable 2000     # 2,000 bursts after 200 warm-up bursts
/// </code>
/// Per burst: when the last task started (thread-pool dispatch of 200 work items), when the last reservation was
/// committed, when the last waiter resumed, and whether a GC ran or the JIT compiled during the burst. Fewer warm-up
/// bursts (as in a BenchmarkDotNet job with five warm-up iterations): <c>DURABLE_WARMUP=5</c>.
/// </summary>
internal static class DurableBurstProfile
{
    private const int InFlight = 200;

    public static async Task<int> RunAsync(int bursts, bool alloc)
    {
        string dir = Directory.CreateTempSubdirectory("ironruntime-profile-").FullName;
        var store = new SqliteRuntimeStateStore(Path.Combine(dir, "state.db"), 65_536, TimeProvider.System, NullLogger.Instance);
        var tasks = new Task<long>[InFlight];
        var started = new long[InFlight];
        var resumed = new long[InFlight];
        var rows = new List<(double Total, double LastStart, double LastResume, bool Gc, bool Jit)>(bursts);
        long allocated = 0;
        TimeSpan cpu = TimeSpan.Zero;
        using var process = Process.GetCurrentProcess();
        using var sampler = alloc ? new AllocationSampler() : null;
        try
        {
            int warmUp = int.TryParse(Environment.GetEnvironmentVariable("DURABLE_WARMUP"), CultureInfo.InvariantCulture, out int w) ? w : 200;
            for (int b = -warmUp; b < bursts; b++)
            {
                if (b == 0)
                {
                    process.Refresh();
                    cpu = process.TotalProcessorTime;
                    sampler?.Start();
                }

                int gcBefore = GC.CollectionCount(0);
                long jitBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
                long allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
                long t0 = Stopwatch.GetTimestamp();
                for (int i = 0; i < InFlight; i++)
                {
                    int index = i;
                    tasks[i] = Task.Run(async () =>
                    {
                        started[index] = Stopwatch.GetTimestamp();
                        long id = await store.ReserveAsync("agent-1", "gpt-4o-mini", 0.0003241m);
                        resumed[index] = Stopwatch.GetTimestamp();
                        return id;
                    });
                }

                await Task.WhenAll(tasks);
                long t1 = Stopwatch.GetTimestamp();
                foreach (var task in tasks)
                {
                    store.Release(task.Result);
                }

                if (b >= 0)
                {
                    allocated += GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
                    rows.Add((Ms(t0, t1), Ms(t0, started.Max()), Ms(t0, resumed.Max()), GC.CollectionCount(0) != gcBefore, System.Runtime.JitInfo.GetCompiledMethodCount() != jitBefore));
                }
            }
        }
        finally
        {
            await store.FlushAsync();
            process.Refresh();
            cpu = process.TotalProcessorTime - cpu;
            await store.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }

        Print("burst (start to WhenAll)", rows.Select(r => r.Total));
        Print("last task started", rows.Select(r => r.LastStart));
        Print("last waiter resumed", rows.Select(r => r.LastResume));
        Print("bursts with a gen0 GC", rows.Where(r => r.Gc).Select(r => r.Total));
        Print("bursts without a GC", rows.Where(r => !r.Gc).Select(r => r.Total));
        Print("bursts during which the JIT compiled", rows.Where(r => r.Jit).Select(r => r.Total));
        Print("bursts without a GC or the JIT", rows.Where(r => !r.Gc && !r.Jit).Select(r => r.Total));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cpu: {cpu.TotalMilliseconds / rows.Count:F3} ms per burst (whole process, user + system, the writer's work on the releases included)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"allocated: {allocated / (double)rows.Count / 1024:F1} KB per burst (whole process, approximate)"));
        sampler?.Stop();
        foreach (var (type, _, share) in sampler?.Top(20) ?? [])
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `{type}` | {share:P1} | {share * allocated / rows.Count / 200:N0} B per reservation |"));
        }

        var slow = rows.OrderByDescending(r => r.Total).Take(Math.Max(1, rows.Count / 100)).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"slowest 1 %: {slow.Count(r => r.Gc)} of {slow.Count} had a GC, {slow.Count(r => r.Jit)} the JIT; mean last start {slow.Average(r => r.LastStart):F2} ms, last resume {slow.Average(r => r.LastResume):F2} ms"));
        return 0;
    }

    private static double Ms(long from, long to) => (to - from) * 1000d / Stopwatch.Frequency;

    private static void Print(string name, IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            Console.WriteLine($"{name}: none");
            return;
        }

        double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} (n={sorted.Length}): median {P(0.5):F3} ms, P95 {P(0.95):F3} ms, P99 {P(0.99):F3} ms, max {sorted[^1]:F3} ms"));
    }
}
