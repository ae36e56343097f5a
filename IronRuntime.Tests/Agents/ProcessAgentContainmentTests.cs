using System.Globalization;
using System.Runtime.Versioning;
using IronRuntime.Agents;
using IronRuntime.Agents.Processes;
using IronRuntime.Tests.Support;

namespace IronRuntime.Tests.Agents;

/// <summary>
/// Nothing an agent starts outlives it: not even a daemon that left the agent's process group and session
/// (fork, <c>setsid</c>, fork again) and ignores SIGTERM. The runtime is a child subreaper, so such orphans come back
/// to it; it kills them with the agent and reaps them (no zombie is left).
/// </summary>
[Platform("Linux")]
[SupportedOSPlatform("linux")]
public sealed class ProcessAgentContainmentTests
{
    [Test]
    public async Task StopAgentAsync_DaemonEscapedWithSetsidIgnoringSigTerm_IsKilledAndReaped()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var (agent, escapee) = await StartEscapingAgentAsync(h.Runtime);
        try
        {
            await h.Runtime.StopAgentAsync(agent.AgentId).WaitAsync(TimeSpan.FromSeconds(30));

            Assert.That((agent.Status, agent.ExitCode), Is.EqualTo((AgentStatus.Stopped, (int?)(128 + 9))), "the agent ignored SIGTERM: killed");
            await Eventually.UntilAsync(() => !UnixProcesses.Exists(escapee), TimeSpan.FromSeconds(10), $"the escaped daemon {escapee} to be killed and reaped");
        }
        finally
        {
            UnixProcesses.KillIfAlive(escapee);
        }
    }

    [Test]
    public async Task DisposeAsync_DaemonEscapedWithSetsidIgnoringSigTerm_IsKilledAndReaped()
    {
        var h = await RuntimeHarness.StartAsync();
        int escapee = 0;
        try
        {
            (_, escapee) = await StartEscapingAgentAsync(h.Runtime);

            await h.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

            await Eventually.UntilAsync(() => !UnixProcesses.Exists(escapee), TimeSpan.FromSeconds(10), $"the escaped daemon {escapee} to be killed and reaped");
        }
        finally
        {
            await h.DisposeAsync();
            UnixProcesses.KillIfAlive(escapee);
        }
    }

    [Test]
    public async Task AgentExits_DaemonItLeftBehind_IsKilledAndReaped()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var agent = await h.Runtime.StartAgentAsync(ProcessAgents.PythonAgent, ProcessAgents.Python("escape", "then-exit"));
        int escapee = await EscapeeOfAsync(agent);
        try
        {
            await agent.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

            await Eventually.UntilAsync(() => !UnixProcesses.Exists(escapee), TimeSpan.FromSeconds(10), $"the escaped daemon {escapee} to be killed and reaped");
        }
        finally
        {
            UnixProcesses.KillIfAlive(escapee);
        }
    }

    [Test]
    public async Task DaemonEndsByItselfWhileTheAgentRuns_IsReaped_NoZombieLeft()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var agent = await h.Runtime.StartAgentAsync(ProcessAgents.PythonAgent, ProcessAgents.Python("escape", "stay", "5"));
        int escapee = await EscapeeOfAsync(agent);
        try
        {
            // Adopted by the runtime (its subreaper), the daemon would stay a zombie for as long as the host runs unless
            // the runtime reaps it; the agent itself keeps running meanwhile.
            await Eventually.UntilAsync(() => !UnixProcesses.Exists(escapee), TimeSpan.FromSeconds(40), $"the daemon {escapee} to exit and be reaped");
            Assert.That(agent.Status, Is.EqualTo(AgentStatus.Running));
        }
        finally
        {
            UnixProcesses.KillIfAlive(escapee);
        }
    }

    [Test]
    public async Task StopAgentAsync_DaemonThatAlsoEmptiedItsEnvironment_IsKilledThroughTheAgentsCgroup()
    {
        if (AgentCgroup.TryCreate() is not { } probe)
        {
            Assert.Ignore("No writable cgroup v2 below the host's own cgroup (root, or a delegated cgroup, is needed); without one such a daemon cannot be attributed (docs/security.md).");
            return;
        }

        probe.TryDelete();
        await using var h = await RuntimeHarness.StartAsync();
        var options = ProcessAgents.Python("escape", "stay", "", "scrub");
        options.StopTimeout = TimeSpan.FromMilliseconds(300);
        var agent = await h.Runtime.StartAgentAsync(ProcessAgents.PythonAgent, options);
        int escapee = await EscapeeOfAsync(agent);
        try
        {
            await Eventually.UntilAsync(() => File.ReadAllBytes($"/proc/{escapee}/environ").Length == 0, TimeSpan.FromSeconds(10), "the daemon to empty its environment");

            await h.Runtime.StopAgentAsync(agent.AgentId).WaitAsync(TimeSpan.FromSeconds(30));

            await Eventually.UntilAsync(() => !UnixProcesses.Exists(escapee), TimeSpan.FromSeconds(10), $"the daemon {escapee} to be killed and reaped");
        }
        finally
        {
            UnixProcesses.KillIfAlive(escapee);
        }
    }

    private static async Task<(AgentHandle Agent, int Escapee)> StartEscapingAgentAsync(AgentRuntime runtime)
    {
        var options = ProcessAgents.Python("escape");
        options.StopTimeout = TimeSpan.FromMilliseconds(300);
        var agent = await runtime.StartAgentAsync(ProcessAgents.PythonAgent, options);
        return (agent, await EscapeeOfAsync(agent));
    }

    private static async Task<int> EscapeeOfAsync(AgentHandle agent)
    {
        int escapee = int.Parse((await agent.WaitForLineAsync("ESCAPEE "))["ESCAPEE ".Length..], CultureInfo.InvariantCulture);
        Assert.Multiple(() =>
        {
            Assert.That(ProcessAgents.IsAlive(escapee), Is.True, "the daemon runs");
            Assert.That(UnixProcesses.SessionOf(escapee), Is.Not.EqualTo(agent.ProcessId), "the daemon left the agent's session");
        });
        return escapee;
    }
}
