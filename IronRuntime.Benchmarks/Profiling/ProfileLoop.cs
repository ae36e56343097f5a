using System.Diagnostics;
using IronRuntime.Benchmarks.Pipeline;
using IronRuntime.Benchmarks.Proxy;

namespace IronRuntime.Benchmarks.Profiling;

/// <summary>
/// A benchmark's operation in a loop, for a profiler to attach to (issue #15's "where the time goes"):
/// <code>
/// dotnet run -c Release --project IronRuntime.Benchmarks -- profile chain 20            # loop 20 s, then print calls/s, CPU time and B per call
/// dotnet run -c Release --project IronRuntime.Benchmarks -- profile proxy 20 --alloc    # plus the top allocated types
/// dotnet-trace collect --profile cpu-sampling -- dotnet IronRuntime.Benchmarks/bin/Release/net10.0/IronRuntime.Benchmarks.dll profile chain 20
/// </code>
/// Scenarios: <c>chain</c> (<see cref="HandlerChainBenchmark.ThroughRuntime"/>), <c>bare</c> (its baseline),
/// <c>proxy</c> and <c>proxy-stream</c> (<see cref="ProxyOverheadBenchmark.ThroughProxy"/>, one call in flight),
/// <c>direct</c> (its baseline), <c>durable</c> (bursts of durable reservations, <see cref="DurableBurstProfile"/>),
/// <c>startup</c> (<see cref="State.StartupRestoreBenchmark.RuntimeReadyWithMillionRecords"/>).
/// </summary>
internal static class ProfileLoop
{
    public static async Task<int> RunAsync(string[] args)
    {
        string scenario = args.Length > 1 ? args[1] : "chain";
        double seconds = args.Length > 2 && double.TryParse(args[2], System.Globalization.CultureInfo.InvariantCulture, out double s) ? s : 10;
        bool alloc = args.Contains("--alloc");
        Func<Task<int>> operation;
        Func<Task> cleanup;
        switch (scenario)
        {
            case "durable":
                return await DurableBurstProfile.RunAsync(args.Length > 2 && int.TryParse(args[2], System.Globalization.CultureInfo.InvariantCulture, out int bursts) ? bursts : 2_000, args.Contains("--alloc")).ConfigureAwait(false);
            case "chain" or "bare":
                var chain = new HandlerChainBenchmark();
                chain.Setup();
                operation = scenario == "chain" ? chain.ThroughRuntime : chain.BareHttpClient;
                cleanup = () => { chain.Cleanup(); return Task.CompletedTask; };
                break;
            case "proxy" or "proxy-stream" or "direct":
                var proxy = new ProxyOverheadBenchmark { Concurrency = 1, Streaming = scenario == "proxy-stream" };
                proxy.Setup();
                operation = scenario == "direct" ? proxy.Direct : proxy.ThroughProxy;
                cleanup = () => { proxy.Cleanup(); return Task.CompletedTask; };
                break;
            case "startup":
                var startup = new State.StartupRestoreBenchmark();
                startup.Setup();
                operation = async () => (int)await startup.RuntimeReadyWithMillionRecords().ConfigureAwait(false);
                cleanup = () => { startup.Cleanup(); return Task.CompletedTask; };
                break;
            default:
                await Console.Error.WriteLineAsync($"unknown scenario '{scenario}': chain, bare, proxy, proxy-stream, direct, durable, startup").ConfigureAwait(false);
                return 2;
        }

        for (int i = 0; i < 2_000; i++)
        {
            await operation().ConfigureAwait(false); // warm-up: JIT tiers, pools, connections
        }

        using var sampler = alloc ? new AllocationSampler() : null;
        sampler?.Start();
        long calls = 0;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        int thread = Environment.CurrentManagedThreadId;
        var threadCpuBefore = ThreadCpu();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            await operation().ConfigureAwait(false);
            calls++;
        }

        clock.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var threadCpu = Environment.CurrentManagedThreadId == thread ? ThreadCpu() - threadCpuBefore : null;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        sampler?.Stop();
        await cleanup().ConfigureAwait(false);
        double perCall = (double)allocated / calls;
        Console.WriteLine($"{scenario}: {calls:N0} calls in {clock.Elapsed.TotalSeconds:F1} s = {calls / clock.Elapsed.TotalSeconds:N0}/s, {clock.Elapsed.TotalMicroseconds / calls:F2} µs, {cpu.TotalMicroseconds / calls:F2} µs of CPU and {perCall:N0} B per call (whole process)"
            + (threadCpu is { } own ? $"; the calling thread: {own.TotalMicroseconds / calls:F2} µs of CPU per call" : ""));
        if (sampler is not null)
        {
            Console.WriteLine("| Type (sampled by GCAllocationTick) | Share | ≈ B per call |");
            Console.WriteLine("| --- | ---: | ---: |");
            foreach (var (type, _, share) in sampler.Top(25))
            {
                Console.WriteLine($"| `{type}` | {share:P1} | {share * perCall:N0} |");
            }
        }

        return 0;
    }

    /// <summary>
    /// The calling thread's CPU time (Linux: <c>/proc/thread-self/stat</c>, in 10 ms ticks), or null elsewhere. Unlike wall
    /// time and the whole process's CPU time, it leaves out waiting for a core on a loaded machine and the runtime's
    /// own threads; a chain call that completes synchronously runs wholly on this thread.
    /// </summary>
    private static TimeSpan? ThreadCpu()
    {
        const string Stat = "/proc/thread-self/stat";
        if (!File.Exists(Stat))
        {
            return null;
        }

        string text = File.ReadAllText(Stat);
        string[] fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }
}
