using System.Runtime.Versioning;
using IronRuntime.Agents;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Tests.Agents;

/// <summary>Stopping process agents: SIGTERM, then the whole tree killed; no orphan survives, checked by process id.</summary>
[Platform("Linux")]
[SupportedOSPlatform("linux")]
public sealed class ProcessAgentStopTests
{
    private const int SigTermExit = 128 + 15;
    private const int SigKillExit = 128 + 9;

    [Test]
    public async Task StopAgentAsync_AgentHonoursSigTerm_StopsGracefullyWithItsGrandchild()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var statuses = new List<AgentStatus>();
        h.Runtime.AgentStatusChanged += (_, e) => { lock (statuses) { statuses.Add(e.Status); } };
        var (agent, child) = await StartTreeAsync(h, "tree", stopTimeout: TimeSpan.FromSeconds(30));

        await h.Runtime.StopAgentAsync(agent.AgentId).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Multiple(() =>
        {
            Assert.That(agent.Status, Is.EqualTo(AgentStatus.Stopped));
            Assert.That(agent.ExitCode, Is.EqualTo(SigTermExit), "ended by SIGTERM, not killed");
            Assert.That(statuses, Is.EqualTo(new[] { AgentStatus.Running, AgentStatus.Stopping, AgentStatus.Stopped }));
        });
        await AssertGoneAsync(agent.ProcessId!.Value, child);
    }

    [Test]
    public async Task StopAgentAsync_AgentIgnoresSigTerm_TreeKilledAfterStopTimeout()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var (agent, child) = await StartTreeAsync(h, "tree", "stubborn", stopTimeout: TimeSpan.FromMilliseconds(300));

        await h.Runtime.StopAgentAsync(agent.AgentId).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(agent.Status, Is.EqualTo(AgentStatus.Stopped));
        Assert.That(agent.ExitCode, Is.EqualTo(SigKillExit), "SIGTERM was ignored, so it was killed");
        await AssertGoneAsync(agent.ProcessId!.Value, child);
    }

    [Test]
    public async Task StopAgentAsync_CallerStopsWaitingDuringTheGracePeriod_TreeKilledAnyway()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var (agent, child) = await StartTreeAsync(h, "tree", "stubborn", stopTimeout: TimeSpan.FromMinutes(5));
        using var impatient = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        Assert.That(() => h.Runtime.StopAgentAsync(agent.AgentId, impatient.Token), Throws.InstanceOf<OperationCanceledException>());

        await agent.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That((agent.Status, agent.ExitCode), Is.EqualTo((AgentStatus.Stopped, (int?)SigKillExit)));
        await AssertGoneAsync(agent.ProcessId!.Value, child);
    }

    [Test]
    public async Task DisposeAsync_StopsEveryAgentAndItsTree()
    {
        var h = await RuntimeHarness.StartAsync();
        var (polite, politeChild) = await StartTreeAsync(h, "tree", stopTimeout: TimeSpan.FromSeconds(5));
        var (stubborn, stubbornChild) = await StartTreeAsync(h, "tree", "stubborn", stopTimeout: TimeSpan.FromMilliseconds(200));

        await h.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(new[] { polite.Status, stubborn.Status }, Is.All.EqualTo(AgentStatus.Stopped));
        await AssertGoneAsync(polite.ProcessId!.Value, politeChild, stubborn.ProcessId!.Value, stubbornChild);
    }

    [Test]
    public async Task AgentExitsLeavingAGrandchild_TheGrandchildIsKilledToo()
    {
        await using var h = await RuntimeHarness.StartAsync();

        var agent = await h.Runtime.StartAgentAsync(ProcessAgents.PythonAgent, ProcessAgents.Python("orphan"));
        await agent.ExpectExitAsync();
        int child = int.Parse((await agent.WaitForLineAsync("CHILD "))["CHILD ".Length..], System.Globalization.CultureInfo.InvariantCulture);

        await AssertGoneAsync(child);
    }

    [Test]
    public async Task HostStops_EveryAgentStopsAndTheProxyCloses()
    {
        await using var fake = await FakeProvider.StartAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddIronRuntime(b => b
            .UseOpenAI(FakeProvider.OpenAIKey, fake.BaseUri)
            .Configure(c => c.Router.Proxy.StartWithHost = true));
        using var host = builder.Build();
        await host.StartAsync();
        var runtime = host.Services.GetRequiredService<AgentRuntime>();
        Assert.That(runtime.Proxy.IsRunning, Is.True, "started with the host");
        var (agent, child) = await StartTreeAsync(runtime, "tree", "stubborn", stopTimeout: TimeSpan.FromMilliseconds(200));

        await host.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(agent.Status, Is.EqualTo(AgentStatus.Stopped));
        Assert.That(runtime.Proxy.IsRunning, Is.False);
        await AssertGoneAsync(agent.ProcessId!.Value, child);
    }

    [Test]
    public async Task StopWhenBudgetExhausted_AgentRetryingAfter402_IsStopped()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var options = ProcessAgents.Python("until-denied", "forever");
        options.Budget = 0.0001m;
        options.StopWhenBudgetExhausted = true;

        var agent = await h.Runtime.StartAgentAsync(ProcessAgents.PythonAgent, options);
        await agent.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Multiple(() =>
        {
            // Without the option the agent would retry forever; the stop may even beat the 402 to the agent.
            Assert.That(agent.Status, Is.EqualTo(AgentStatus.Stopped));
            Assert.That(agent.ExitCode, Is.EqualTo(SigTermExit));
            Assert.That(h.Runtime.GetMetrics(agent.AgentId).DeniedRequests, Is.GreaterThanOrEqualTo(1));
            Assert.That(h.Runtime.GetMetrics(agent.AgentId).BudgetSpent, Is.LessThanOrEqualTo(0.0001m));
        });
    }

    [Test]
    public async Task StopWhenBudgetExhausted_InProcessAgent_IsStoppedToo()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var agent = await h.Runtime.StartAgentAsync(async ctx =>
        {
            while (true)
            {
                using var r = await ctx.HttpClient.SendAsync(Proxy.ProxyClient.Post("/v1/chat/completions", Proxy.ProxyClient.ChatBody), ctx.StoppingToken);
                await Task.Delay(10, ctx.StoppingToken);
            }
        }, new AgentOptions { Budget = 0m, StopWhenBudgetExhausted = true });

        await agent.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(agent.Status, Is.EqualTo(AgentStatus.Stopped));
        Assert.That(h.Runtime.GetMetrics(agent.AgentId).DeniedRequests, Is.GreaterThanOrEqualTo(1));
    }

    private static Task<(AgentHandle Agent, int Child)> StartTreeAsync(RuntimeHarness h, string mode, string? variant = null, TimeSpan? stopTimeout = null)
        => StartTreeAsync(h.Runtime, mode, variant, stopTimeout);

    private static async Task<(AgentHandle Agent, int Child)> StartTreeAsync(AgentRuntime runtime, string mode, string? variant = null, TimeSpan? stopTimeout = null)
    {
        var options = variant is null ? ProcessAgents.Python(mode) : ProcessAgents.Python(mode, variant);
        options.StopTimeout = stopTimeout ?? TimeSpan.FromSeconds(10);
        var agent = await runtime.StartAgentAsync(ProcessAgents.PythonAgent, options);
        int child = int.Parse((await agent.WaitForLineAsync("CHILD "))["CHILD ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(ProcessAgents.IsAlive(agent.ProcessId!.Value) && ProcessAgents.IsAlive(child), Is.True, "the agent and its grandchild run");
        return (agent, child);
    }

    /// <summary>Killed processes are reaped by their parent (init for the grandchild) a moment later.</summary>
    private static Task AssertGoneAsync(params int[] pids)
        => Eventually.UntilAsync(() => !pids.Any(ProcessAgents.IsAlive), TimeSpan.FromSeconds(5), "processes " + string.Join(", ", pids) + " to be gone");
}
