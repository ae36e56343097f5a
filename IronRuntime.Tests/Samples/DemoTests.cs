using System.Diagnostics;
using System.Text.Json;
using IronRuntime.Tests.Support;

namespace IronRuntime.Tests.Samples;

/// <summary>The README's first command: the demo runs agents against the simulated provider and exits 0.</summary>
public sealed class DemoTests
{
    /// <summary>The demo's assembly: the test assembly lives in IronRuntime.Tests/bin/&lt;Configuration&gt;/net10.0/; the solution builds both.</summary>
    private static string DemoDll()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory);
        string configuration = testBin.Parent!.Name;
        string root = testBin.Parent!.Parent!.Parent!.Parent!.FullName;
        string demo = Path.Combine(root, "samples", "IronRuntime.Demo", "bin", configuration, "net10.0", "IronRuntime.Demo.dll");
        Assert.That(File.Exists(demo), Is.True, $"the demo is built with the tests ({demo})");
        return demo;
    }

    [Test]
    public async Task Demo_WithoutProviderKeys_RunsAgentsShowsARefusalAndExitsZero()
    {
        string demo = DemoDll();

        var (exitCode, output, stderr) = await DotnetProgram.RunWithoutKeysAsync(demo, TimeSpan.FromSeconds(60));

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(0), output + stderr);
            Assert.That(output, Does.Contain("simulated provider"));
            Assert.That(output, Does.Contain("refused with 402"));
            Assert.That(output, Does.Contain("[writer]").And.Contain("[analyst]").And.Contain("[spender]"));
            Assert.That(output, Does.Match(@"writer\s+Exited"));
            Assert.That(output, Does.Contain("[researcher] my API key is an IronRuntime token: True"), "the child process got a token, not a key");
            Assert.That(output, Does.Match(@"researcher\s+Exited\s+1\s"));
        });
    }

    [Test]
    public async Task Demo_WithDashboard_KeepsServingThePageWithATrickleOfCalls_UntilTerminated()
    {
        string demo = DemoDll();
        var start = new ProcessStartInfo("dotnet", [demo, "--dashboard"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(demo)!,
        };
        start.Environment.Remove("OPENAI_API_KEY");
        start.Environment.Remove("ANTHROPIC_API_KEY");
        start.Environment.Remove("IRONRUNTIME_DASHBOARD_URL");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            string? url = null;
            while (await process.StandardOutput.ReadLineAsync(patience.Token) is { } line)
            {
                url ??= line.StartsWith("Dashboard: ", StringComparison.Ordinal) ? line["Dashboard: ".Length..] : null;
                if (line.StartsWith("Dashboard still serving at ", StringComparison.Ordinal))
                {
                    break;
                }
            }

            Assert.That(url, Does.Match(@"^http://127\.0\.0\.1:\d+/ironruntime/$"), "the page's URL, printed on 127.0.0.1");
            using var http = new HttpClient { BaseAddress = new Uri(url!) };
            string page = await http.GetStringAsync("", patience.Token);
            long before = await RequestsAsync(http, patience.Token);
            long after = before;
            while (after == before)
            {
                await Task.Delay(250, patience.Token);
                after = await RequestsAsync(http, patience.Token);
            }

            Assert.Multiple(() =>
            {
                Assert.That(page, Does.Contain("<title>IronRuntime dashboard</title>"));
                Assert.That(process.HasExited, Is.False, "still running after the agents finished");
                Assert.That(after, Is.GreaterThan(before), "the trickle of simulated calls goes on");
            });

            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync(patience.Token);
            }

            await process.WaitForExitAsync(patience.Token);
            string rest = await process.StandardOutput.ReadToEndAsync(patience.Token);
            Assert.Multiple(async () =>
            {
                Assert.That(process.ExitCode, Is.EqualTo(0), await stderr);
                Assert.That(rest, Does.Contain("Dashboard stopped."));
            });
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task<long> RequestsAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var metrics = JsonDocument.Parse(await http.GetStringAsync("metrics", cancellationToken));
        return metrics.RootElement.GetProperty("totals").GetProperty("requests").GetInt64();
    }
}
