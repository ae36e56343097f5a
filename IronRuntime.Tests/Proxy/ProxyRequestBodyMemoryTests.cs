using System.Diagnostics;
using System.Text.Json;

namespace IronRuntime.Tests.Proxy;

/// <summary>
/// Issue 9, finding 6: request bodies over the limit cost memory proportional to the bytes received, and give it back.
/// Measured in a fresh child process hosting only the proxy (<see cref="RequestBodyMemoryProbe"/>); this process sends.
/// </summary>
public sealed class ProxyRequestBodyMemoryTests
{
    private const long MiB = 1024 * 1024;

    [Test]
    [Platform("Linux", Reason = "reads /proc/self/status and resets the peak through /proc/self/clear_refs")]
    public async Task EightConcurrent40MBChunkedBodies_Are413_RaiseRssByAtMost64MB_AndItComesBackAfterGC()
    {
        const int limit = 4 * 1024 * 1024;
        var start = new ProcessStartInfo(Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(RequestBodyMemoryProbe).Assembly.Location);
        start.ArgumentList.Add(RequestBodyMemoryProbe.Name);
        start.ArgumentList.Add(limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var probe = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            string[] hello = (await probe.StandardOutput.ReadLineAsync(timeout.Token))!.Split(' ');
            using var http = new HttpClient(new SocketsHttpHandler()) { BaseAddress = new Uri(hello[0]), Timeout = TimeSpan.FromMinutes(2) };
            string token = hello[1];

            Assert.That(await RequestBodyMemoryProbe.SendAsync(http, token, 2 * limit), Is.EqualTo(413), "warm-up");
            await probe.StandardInput.WriteLineAsync("baseline");
            Assert.That(await probe.StandardOutput.ReadLineAsync(timeout.Token), Is.EqualTo("ready"));

            int[] statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => RequestBodyMemoryProbe.SendAsync(http, token, 40_000_000)));
            await probe.StandardInput.WriteLineAsync("measure");
            using var report = JsonDocument.Parse((await probe.StandardOutput.ReadLineAsync(timeout.Token))!);
            long baseline = report.RootElement.GetProperty("baseline").GetInt64();
            long peak = report.RootElement.GetProperty("peak").GetInt64() - baseline;
            long after = report.RootElement.GetProperty("after").GetInt64() - baseline;
            TestContext.Out.WriteLine($"limit {limit / MiB} MiB: RSS baseline {baseline / MiB} MiB, peak +{peak / MiB} MiB, after GC +{after / MiB} MiB");

            Assert.Multiple(() =>
            {
                // 413, or the connection closed while the client was still sending the rest of the body (the proxy
                // answers and closes rather than drain 40 MB; which one the client sees is a race of its send loop).
                Assert.That(statuses, Is.All.AnyOf(413, -1));
                Assert.That(peak, Is.LessThanOrEqualTo(64 * MiB), "peak RSS over the baseline");
                Assert.That(after, Is.LessThanOrEqualTo(16 * MiB), "RSS over the baseline after a full GC");
            });
        }
        finally
        {
            if (!probe.HasExited)
            {
                probe.Kill();
            }

            await probe.WaitForExitAsync(CancellationToken.None);
        }
    }
}
