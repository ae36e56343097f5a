using System.Diagnostics;
using System.Globalization;
using IronRuntime.Router;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Load;

/// <summary>
/// <c>run --mode direct|proxy|inproc</c>: starts the paced fake (and, for <c>proxy</c>, the host) as child processes,
/// opens <c>--streams</c> streams at <c>--ramp</c> per second, then measures for <c>--duration-s</c>: event delays
/// (p50/p99/max), RSS of the process that carries the streams (the host; the driver itself for <c>inproc</c>;
/// the fake for <c>direct</c>) and a non-streaming call's latency in the middle of the window.
/// </summary>
internal static class LoadDriver
{
    public static async Task<int> RunAsync(LoadArguments args, CancellationToken cancellationToken)
    {
        string mode = args.Get("mode") ?? "proxy";
        int streams = args.GetInt("streams", 1000);
        var period = TimeSpan.FromMilliseconds(args.GetInt("period-ms", 200));
        int duration = args.GetInt("duration-s", 20);
        int ramp = args.GetInt("ramp", 1000);
        int nofile = args.GetInt("nofile", 0);
        bool http2 = args.Has("upstream-http2") && mode != "direct"; // the runtime speaks HTTP/2 (h2c) to the fake
        double rampSeconds = Math.Ceiling((double)streams / ramp);
        // Streams outlast the run by far (a loaded machine stretches every phase); the driver cancels them at the end.
        int events = (int)Math.Ceiling((rampSeconds + 5 + (4 * duration) + 120) / period.TotalSeconds);

        await using var fake = ChildProcess.Start(http2
            ? ["fake", "--period-ms", ((int)period.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), "--http2"]
            : ["fake", "--period-ms", ((int)period.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)]);
        var fakeUri = new Uri(await fake.ReadUntilAsync("READY ", cancellationToken) + "/");
        ChildProcess? host = null;
        AgentRuntime? runtime = null;
        Uri chat;
        string[] tokens;
        Func<int, HttpClient> clientFor;
        int measuredPid;
        using var direct = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10) });
        direct.Timeout = Timeout.InfiniteTimeSpan;
        switch (mode)
        {
            case "direct":
                chat = new Uri(fakeUri, "v1/chat/completions");
                tokens = ["sk-load-test"];
                clientFor = _ => direct;
                measuredPid = fake.Id;
                break;
            case "proxy":
                List<string> hostArgs = ["host", "--upstream", fakeUri.ToString(), "--agents", (streams + 1).ToString(CultureInfo.InvariantCulture)];
                foreach (string limit in (string[])["max-calls", "max-calls-per-agent"])
                {
                    if (args.Get(limit) is { } value)
                    {
                        hostArgs.AddRange(["--" + limit, value]);
                    }
                }

                if (http2)
                {
                    hostArgs.Add("--upstream-http2");
                }

                if (args.Has("bare"))
                {
                    hostArgs.Add("--bare"); // the reference forwarder without the runtime (BareForwarder)
                }

                host = ChildProcess.Start(hostArgs, nofile);
                var proxyUri = new Uri(await host.ReadUntilAsync("READY ", cancellationToken));
                var list = new List<string>(streams + 1);
                while (await host.Output.ReadLineAsync(cancellationToken) is { } line && line != "TOKENS-END")
                {
                    list.Add(line["TOKEN ".Length..]);
                }

                tokens = [.. list];
                chat = new Uri(proxyUri, "v1/chat/completions");
                clientFor = _ => direct;
                measuredPid = host.Id;
                break;
            case "inproc":
                runtime = AgentRuntime.CreateBuilder().WithBudget(1_000_000m).UseOpenAI("sk-load-test", fakeUri)
                    .Configure(c => c.Router.OpenAI.HttpVersion = http2 ? LlmUpstreamHttpVersion.Http2 : LlmUpstreamHttpVersion.Auto)
                    .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning)).Build();
                chat = new Uri("https://api.openai.com/v1/chat/completions");
                tokens = ["placeholder"];
                var clients = new HttpClient[streams + 1];
                for (int i = 0; i < clients.Length; i++)
                {
                    clients[i] = runtime.CreateHttpClient("agent-" + i.ToString(CultureInfo.InvariantCulture));
                }

                clientFor = i => clients[i];
                measuredPid = Environment.ProcessId;
                break;
            default:
                throw new ArgumentException("--mode is direct, proxy or inproc");
        }

        try
        {
            // HEAP: a full collection and the heap figures; STATS: the collector's and thread pool's counters, no collection.
            Func<string, Task<string?>> ask = mode switch
            {
                "proxy" => async command =>
                {
                    await host!.SendAsync(command);
                    return await host.ReadUntilAsync(command + " ", cancellationToken);
                },
                "inproc" => command => Task.FromResult<string?>(command == "HEAP" ? HeapReport.Collect() : HeapReport.Stats()),
                _ => _ => Task.FromResult<string?>(null),
            };
            Func<Task<string?>> heap = () => ask("HEAP");
            Func<Task<string?>> stats = () => ask("STATS");
            return await MeasureAsync(mode, streams, period, duration, ramp, events, chat, tokens, clientFor, measuredPid, heap, stats, cancellationToken);
        }
        finally
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }

            if (runtime is not null)
            {
                await runtime.DisposeAsync();
            }
        }
    }

    private static async Task<int> MeasureAsync(string mode, int streams, TimeSpan period, int duration, int ramp, int events,
        Uri chat, string[] tokens, Func<int, HttpClient> clientFor, int pid, Func<Task<string?>> heap, Func<Task<string?>> stats, CancellationToken cancellationToken)
    {
        string Token(int i) => tokens[i % tokens.Length];

        // Warm-up: one short stream and one plain call, so the idle figure includes the JIT and the pools.
        var warm = new DelayRecorder();
        await StreamProbe.RunAsync(clientFor(streams), chat, Token(streams), 2, warm, cancellationToken);
        await PlainCallAsync(clientFor(streams), chat, Token(streams), cancellationToken);
        await Task.Delay(1000, cancellationToken);
        long idle = Rss.Of(pid);
        string? heapIdle = await heap();

        var recorder = new DelayRecorder();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var probes = new Task<ProbeOutcome>[streams];
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < streams; i++)
        {
            TimeSpan due = TimeSpan.FromSeconds((double)i / ramp) - clock.Elapsed;
            if (due > TimeSpan.FromMilliseconds(5))
            {
                await Task.Delay(due, cancellationToken);
            }

            int index = i;
            probes[i] = Task.Run(() => StreamProbe.RunAsync(clientFor(index), chat, Token(index), events, recorder, stop.Token), CancellationToken.None);
        }

        Console.WriteLine($"opened {streams} streams in {clock.Elapsed.TotalSeconds:F1} s; settling");
        await Task.Delay(5000, cancellationToken);
        recorder.Measuring = true;
        double cpuStart = Rss.CpuSeconds(pid);
        string? statsStart = await stats();
        long windowStart = Stopwatch.GetTimestamp();
        long peak = 0;
        double plainMs = double.NaN;
        for (int s = 0; s < duration; s++)
        {
            await Task.Delay(1000, cancellationToken);
            peak = Math.Max(peak, Rss.Of(pid));
            if (s == duration / 2)
            {
                plainMs = await PlainCallAsync(clientFor(streams), chat, Token(streams), cancellationToken);
            }
        }

        recorder.Measuring = false;
        double cpu = Rss.CpuSeconds(pid) - cpuStart;
        string? statsEnd = await stats();
        double window = Stopwatch.GetElapsedTime(windowStart).TotalSeconds;
        int open = recorder.Open;
        long steady = Rss.Of(pid);
        int descriptors = Rss.OpenDescriptors(pid);
        string? heapLoaded = await heap();
        await stop.CancelAsync();
        var outcomes = await Task.WhenAll(probes);
        var (p50, p99, max) = recorder.Percentiles();
        int Count(ProbeOutcome o) => outcomes.Count(x => x == o);
        const double MB = 1024 * 1024;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mode={mode} streams={streams} period={period.TotalMilliseconds}ms open-at-end={open} served={Count(ProbeOutcome.Served)} refused-503={Count(ProbeOutcome.Refused)} other-status={Count(ProbeOutcome.OtherStatus)} connect-failed={Count(ProbeOutcome.ConnectionFailed)} broken={Count(ProbeOutcome.Broken)}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rss idle={idle / MB:F0} MB steady={steady / MB:F0} MB peak={peak / MB:F0} MB per-open-stream={(open > 0 ? (steady - idle) / 1024.0 / open : double.NaN):F1} KB fds={descriptors}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"event delay ms p50={p50:F1} p99={p99:F1} max={max:F1} (events={recorder.Count}) non-streaming call during load={plainMs:F1} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cpu of the measured process over the window: {cpu:F1} s in {window:F1} s ({100 * cpu / window:F0} % of one core), {(recorder.Count > 0 ? cpu * 1e6 / recorder.Count : double.NaN):F1} us per event"));
        if (statsStart is not null && statsEnd is not null)
        {
            // Steady state only (the streams' opening allocates far more): what the window cost the collector.
            var a = HeapReport.Parse(statsStart);
            var b = HeapReport.Parse(statsEnd);
            long windowEvents = Math.Max(1, recorder.Count);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"gc over the window: {b["gcs"] - a["gcs"]} collections ({b["gen2"] - a["gen2"]} gen2), {(b["pause_us"] - a["pause_us"]) / 1000.0:F0} ms paused, {(b["allocated"] - a["allocated"]) / (double)windowEvents:F0} B allocated per event; thread pool at the end: {b["threads"]} threads, {b["queued"]} queued"));
        }

        if (heapIdle is not null && heapLoaded is not null && open > 0)
        {
            // After a full collection: what the open streams hold alive (managed), and what the GC keeps committed.
            var before = HeapReport.Parse(heapIdle);
            var after = HeapReport.Parse(heapLoaded);
            double PerStream(string key) => (after[key] - before[key]) / 1024.0 / open;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"after a full GC, per open stream: live managed={PerStream("live"):F1} KB gc committed={PerStream("committed"):F1} KB rss={PerStream("rss"):F1} KB (idle {heapIdle}; loaded {heapLoaded})"));
        }

        return 0;
    }

    private static async Task<double> PlainCallAsync(HttpClient client, Uri chat, string token, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        using var request = StreamProbe.CreateRequest(chat, token, 1, stream: false);
        using var response = await client.SendAsync(request, cancellationToken);
        await response.Content.ReadAsByteArrayAsync(cancellationToken);
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        return response.IsSuccessStatusCode ? ms : -(int)response.StatusCode;
    }
}
