using System.Diagnostics;
using System.Runtime.Versioning;
using IronRuntime.Agents;
using IronRuntime.Agents.Processes;
using IronRuntime.Tests.Support;

namespace IronRuntime.Tests.Agents;

/// <summary>README promises of child-process agents: the 200-line output ring, StopTimeout (10 s), the <c>python</c> fallback.</summary>
[Platform("Linux")]
[SupportedOSPlatform("linux")]
public sealed class ProcessAgentReadmeTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "iron-readme-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    private string Script(string name, string code)
    {
        string file = Path.Combine(_directory, name);
        File.WriteAllText(file, code);
        return file;
    }

    [Test]
    public async Task GetRecentOutput_AgentPrints250Lines_KeepsTheLast200()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var agent = await h.Runtime.StartAgentAsync(Script("lines.py", "for i in range(250):\n    print(f'line {i}', flush=True)\n"), new ProcessAgentOptions());

        await agent.ExpectExitAsync();
        await Eventually.UntilAsync(() => agent.Lines().LastOrDefault() == "line 249", because: "the last line to be read");

        Assert.That(agent.Lines(), Is.EqualTo(Enumerable.Range(50, 200).Select(i => $"line {i}")));
    }

    [Test]
    public void StopTimeout_Default_IsTenSeconds()
        => Assert.That(new ProcessAgentOptions().StopTimeout, Is.EqualTo(TimeSpan.FromSeconds(10)));

    [Test]
    public async Task StopAgentAsync_AgentIgnoresSigTerm_WaitsTheConfiguredStopTimeoutBeforeKilling()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var stopTimeout = TimeSpan.FromSeconds(1);
        var agent = await h.Runtime.StartAgentAsync(
            Script("stubborn.py", "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint('ready', flush=True)\ntime.sleep(60)\n"),
            new ProcessAgentOptions { StopTimeout = stopTimeout });
        await agent.WaitForLineAsync("ready");

        var watch = Stopwatch.StartNew();
        await h.Runtime.StopAgentAsync(agent.AgentId).WaitAsync(TimeSpan.FromSeconds(10));
        watch.Stop();

        Assert.Multiple(() =>
        {
            Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(stopTimeout - TimeSpan.FromMilliseconds(20)), "SIGTERM ignored: the grace period was waited out");
            Assert.That(watch.Elapsed, Is.LessThan(stopTimeout + TimeSpan.FromSeconds(5)), "and then it was killed");
            Assert.That((agent.Status, agent.ExitCode), Is.EqualTo((AgentStatus.Stopped, (int?)(128 + 9))));
        });
    }

    [Test]
    public async Task PyAgent_NoPython3OnPath_RunsWithPython()
    {
        string python3 = await RealPython3Async();
        string bin = Directory.CreateDirectory(Path.Combine(_directory, "bin")).FullName;
        File.CreateSymbolicLink(Path.Combine(bin, "python"), python3);
        string script = Script("which.py", "import sys\nprint('EXE ' + sys.executable, flush=True)\n");
        // The muxer of the running runtime itself (a `dotnet` on PATH may be a wrapper script that needs a shell on PATH).
        string dotnet = Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet"));

        // A host of its own whose PATH holds only `python` (no python3): the environment is passed to it, not set here.
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { "exec", typeof(ChildHostProgram).Assembly.Location, ChildHostProgram.RunAgentCommand, script })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PATH"] = bin;
        start.Environment.Remove("OPENAI_API_KEY");
        start.Environment.Remove("ANTHROPIC_API_KEY");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        Assert.That(ExecutableLocator.IsExecutable(Path.Combine(bin, "python3")), Is.False, "no python3 where the host looks");
        Assert.That((process.ExitCode, (await output).Trim()), Is.EqualTo((0, "EXE " + Path.Combine(bin, "python"))), "stderr: " + await errors);
    }

    /// <summary>The interpreter binary behind <c>python3</c> (which may be a shim script, such as pyenv's).</summary>
    private static async Task<string> RealPython3Async()
    {
        var start = new ProcessStartInfo(ExecutableLocator.Find("python3") ?? throw new InconclusiveException("python3 is not on PATH"), ["-c", "import sys; print(sys.executable)"])
        {
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        string executable = (await process.StandardOutput.ReadToEndAsync()).Trim();
        await process.WaitForExitAsync();
        return executable;
    }
}
