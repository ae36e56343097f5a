using System.Globalization;
using System.Runtime.Versioning;
using IronRuntime.Agents;
using IronRuntime.Agents.Processes;
using IronRuntime.Tests.Support;

namespace IronRuntime.Tests.Agents;

/// <summary>
/// An agent process dies with its host, even a host killed with SIGKILL that can stop nothing itself: it is started
/// with a parent-death signal (<c>setpriv --pdeathsig KILL</c>). The kernel sends that signal when the thread that
/// forked the agent ends, so agents are started on a thread that lives as long as the host, and an agent started from
/// a short-lived thread keeps running.
/// </summary>
[Platform("Linux")]
[SupportedOSPlatform("linux")]
public sealed class ProcessAgentHostDeathTests
{
    [Test]
    public async Task HostKilledWithSigKill_ItsAgentDiesWithIt()
    {
        RequireParentDeathSignal();
        string script = UnixProcesses.WriteScript("#!/bin/sh\nexec sleep 300\n");
        try
        {
            await KillHostAndExpectAgentToDieAsync(script, user: null);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(script)!, recursive: true);
        }
    }

    [Test]
    public async Task HostKilledWithSigKill_ItsAgentRunningAsAnotherUser_DiesWithIt()
    {
        RequireParentDeathSignal();
        if (!UnixProcesses.IsRoot)
        {
            Assert.Ignore("Running an agent as another user needs a root host, and the test creates its user with useradd.");
        }

        UnixProcesses.EnsureUser("ironruntime-agent");
        string script = UnixProcesses.WriteScript("#!/bin/sh\nexec sleep 300\n");
        var directory = new DirectoryInfo(Path.GetDirectoryName(script)!);
        directory.UnixFileMode |= UnixFileMode.GroupExecute | UnixFileMode.OtherExecute; // the user may enter it
        try
        {
            await KillHostAndExpectAgentToDieAsync(script, "ironruntime-agent");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Test]
    public async Task AgentStartedFromAThreadThatThenEnds_KeepsRunning()
    {
        RequireParentDeathSignal();
        string script = UnixProcesses.WriteScript("#!/bin/sh\nexec sleep 300\n");
        await using var h = await RuntimeHarness.StartAsync();
        var first = await h.Runtime.StartAgentAsync(script); // the proxy runs: the next start does not leave its thread
        AgentHandle? agent = null;
        var thread = new Thread(() =>
        {
            agent = h.Runtime.StartAgentAsync(script).GetAwaiter().GetResult();
            WaitUntilExecuted(agent.ProcessId!.Value, "sleep"); // past setpriv: the signal is set before this thread ends
        });
        thread.Start();
        thread.Join();
        int pid = agent!.ProcessId!.Value;
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500)); // the kernel signals at the thread's end, if at all

            Assert.That((ProcessAgents.IsAlive(pid), agent.Status), Is.EqualTo((true, AgentStatus.Running)),
                "an agent started from a thread that ended since is not killed by the parent-death signal");
            await h.Runtime.StopAgentAsync(agent.AgentId).WaitAsync(TimeSpan.FromSeconds(30));
            await h.Runtime.StopAgentAsync(first.AgentId).WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            UnixProcesses.KillIfAlive(pid);
            Directory.Delete(Path.GetDirectoryName(script)!, recursive: true);
        }
    }

    private static async Task KillHostAndExpectAgentToDieAsync(string script, string? user)
    {
        using var host = user is null ? CrashHost.Start("process-agent", script) : CrashHost.Start("process-agent", script, user);
        int pid = 0;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            string? line = await host.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null || !line.StartsWith("agent ", StringComparison.Ordinal))
            {
                host.Kill();
                Assert.Fail($"the host did not start its agent: {line} {await host.StandardError.ReadToEndAsync()}");
            }

            pid = int.Parse(line!["agent ".Length..], CultureInfo.InvariantCulture);
            WaitUntilExecuted(pid, "sleep"); // the signal is set by setpriv, on the way to the program
            Assert.That(ProcessAgents.IsAlive(pid), Is.True, "the agent runs while its host does");

            host.Kill(); // SIGKILL: the host stops nothing
            await host.WaitForExitAsync();

            await Eventually.UntilAsync(() => !ProcessAgents.IsAlive(pid), TimeSpan.FromSeconds(10), $"agent process {pid} to die with its host");
        }
        finally
        {
            if (pid != 0)
            {
                UnixProcesses.KillIfAlive(pid);
            }
        }
    }

    private static void WaitUntilExecuted(int pid, string program)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (File.ReadAllText($"/proc/{pid}/comm").Trim() != program)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"process {pid} to execute {program}");
            Thread.Sleep(5);
        }
    }

    private static void RequireParentDeathSignal()
    {
        if (!ParentDeathSignal.IsAvailable)
        {
            Assert.Ignore("This setpriv has no --pdeathsig (util-linux 2.33 or later), so agents cannot be tied to the host's life.");
        }
    }
}
