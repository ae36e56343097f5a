using System.Runtime.Versioning;
using IronRuntime.Agents;
using IronRuntime.Tests.Support;

namespace IronRuntime.Tests.Agents;

/// <summary>
/// How a process agent's end is reported (README "Agents"): a process that ran and ended by itself is <c>Exited</c> with its
/// exit code, also when it crashed (a signal gives the shell's 128 + signal number) or when the file could not be
/// executed (127, the reason on standard error).
/// </summary>
[Platform("Linux")]
[SupportedOSPlatform("linux")]
public sealed class ProcessAgentEndTests
{
    [Test]
    public async Task StartAgentAsync_NonZeroExit_ExitedWithThatCodeNoFault()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var statuses = new List<AgentStatus>();
        h.Runtime.AgentStatusChanged += (_, e) => { lock (statuses) { statuses.Add(e.Status); } };
        string script = WriteScript("#!/bin/sh\necho failing >&2\nexit 42\n");

        var agent = await h.Runtime.StartAgentAsync(script, new ProcessAgentOptions { AgentId = "bad-exit" });
        await agent.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Multiple(() =>
        {
            Assert.That((agent.Status, agent.ExitCode, agent.Fault), Is.EqualTo((AgentStatus.Exited, (int?)42, (Exception?)null)));
            Assert.That(agent.GetRecentOutput().Single(), Has.Property(nameof(AgentOutputLine.IsError)).True.And.Property(nameof(AgentOutputLine.Text)).EqualTo("failing"));
            lock (statuses)
            {
                Assert.That(statuses, Is.EqualTo(new[] { AgentStatus.Running, AgentStatus.Exited }));
            }
        });
    }

    // SIGTERM is 15 and SIGKILL 9 on Linux (signal(7)); a process killed by a signal reports 128 + its number, as shells
    // do. (No SIGSEGV here: it would leave a core file behind on machines that keep them.)
    [TestCase("TERM", 143)]
    [TestCase("KILL", 137)]
    public async Task StartAgentAsync_ProcessCrashes_ExitedWithSignalExitCode(string signal, int expectedExitCode)
    {
        await using var h = await RuntimeHarness.StartAsync();
        string script = WriteScript($"#!/bin/sh\necho started\nkill -{signal} $$\necho never\n");

        var agent = await h.Runtime.StartAgentAsync(script, new ProcessAgentOptions { AgentId = "crash" });
        await agent.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Multiple(() =>
        {
            Assert.That((agent.Status, agent.ExitCode), Is.EqualTo((AgentStatus.Exited, (int?)expectedExitCode)));
            Assert.That(agent.Lines(), Is.EqualTo(new[] { "started" }));
            Assert.That(h.Runtime.ListAgents().Single().Status, Is.EqualTo(AgentStatus.Exited));
        });
    }

    // On Linux the agent is started through setsid(1), which execs the file in place: when the kernel cannot run it (here
    // its interpreter line names a missing program) the start has already succeeded, and setsid ends with 127 (command
    // not found, as util-linux and POSIX shells report it) after writing the reason to standard error.
    [Test]
    public async Task StartAgentAsync_ExecutableThatCannotRun_Exited127_ReasonOnStandardError()
    {
        await using var h = await RuntimeHarness.StartAsync();
        string script = WriteScript("#!/no/such/interpreter-7c1d\nexit 0\n");

        var agent = await h.Runtime.StartAgentAsync(script, new ProcessAgentOptions { AgentId = "unrunnable" });
        await agent.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Multiple(() =>
        {
            Assert.That((agent.Status, agent.ExitCode), Is.EqualTo((AgentStatus.Exited, (int?)127)));
            Assert.That(agent.GetRecentOutput(), Has.Some.Matches<AgentOutputLine>(l => l.IsError && l.Text.Contains(script, StringComparison.Ordinal) && l.Text.Contains("No such file or directory", StringComparison.Ordinal)));
        });
    }

    private static string WriteScript(string content)
    {
        string directory = Path.Combine(Path.GetTempPath(), "iron-agents-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "agent.sh");
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
