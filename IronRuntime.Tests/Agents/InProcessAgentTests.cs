using System.Text;
using IronRuntime.Agents;
using IronRuntime.Router;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace IronRuntime.Tests.Agents;

public sealed class InProcessAgentTests
{
    [Test]
    public async Task StartAgentAsync_AgentCallsThroughItsClient_CallsAreAttributedToIt()
    {
        await using var h = await RuntimeHarness.StartAsync();
        h.Fake.Usage = new TokenUsage(10, 5);
        var statuses = new List<AgentStatus>();
        h.Runtime.AgentStatusChanged += (_, e) => { lock (statuses) { statuses.Add(e.Status); } };

        var handle = await h.Runtime.StartAgentAsync(async ctx =>
        {
            for (int i = 0; i < 3; i++)
            {
                using var r = await ctx.HttpClient.PostAsync("/v1/chat/completions", new StringContent(
                    """{"model":"gpt-4o-mini","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
                r.EnsureSuccessStatusCode();
            }
        }, new AgentOptions { AgentId = "worker", Name = "Worker" });
        await handle.WaitForExitAsync();

        var m = h.Runtime.GetMetrics("worker");
        Assert.Multiple(() =>
        {
            Assert.That(handle.Status, Is.EqualTo(AgentStatus.Exited));
            Assert.That(handle.ExitCode, Is.EqualTo(0));
            Assert.That(handle.EndedAt, Is.Not.Null);
            Assert.That((m.Requests, m.InputTokens, m.OutputTokens), Is.EqualTo((3L, 30L, 15L)));
            Assert.That(m.PiiDetections, Is.Zero);
            Assert.That(statuses, Does.Contain(AgentStatus.Running).And.Contain(AgentStatus.Exited));
            Assert.That(h.Runtime.ListAgents().Select(a => a.AgentId), Is.EqualTo(new[] { "worker" }));
        });
    }

    [Test]
    public async Task StartAgentAsync_AgentThrows_IsFailedWithFault()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var handle = await h.Runtime.StartAgentAsync(_ => throw new InvalidOperationException("boom"));
        await handle.WaitForExitAsync();
        Assert.That(handle.Status, Is.EqualTo(AgentStatus.Failed));
        Assert.That(handle.Fault, Is.TypeOf<InvalidOperationException>().With.Message.EqualTo("boom"));
    }

    [Test]
    public async Task StartAgentAsync_AgentThrows_IsLoggedAtWarningWithItsException()
    {
        var logs = new FakeLogCollector();
        await using var h = await RuntimeHarness.StartAsync(b => b.ConfigureLogging(l => l.AddProvider(new FakeLoggerProvider(logs))));
        var handle = await h.Runtime.StartAgentAsync(_ => throw new InvalidOperationException("boom"), new AgentOptions { AgentId = "thrower" });
        await handle.WaitForExitAsync();

        var record = logs.GetSnapshot().SingleOrDefault(r => r.Exception is InvalidOperationException);
        Assert.That(record, Is.Not.Null, "the agent's exception is logged");
        Assert.Multiple(() =>
        {
            Assert.That(record!.Level, Is.EqualTo(LogLevel.Warning));
            Assert.That(record.Message, Does.Contain("thrower").And.Contain("InvalidOperationException").And.Contain("boom"));
            Assert.That(record.Exception!.Message, Is.EqualTo("boom"));
        });
    }

    [Test]
    public async Task StopAgentAsync_CooperativeAgent_IsStopped()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var handle = await h.Runtime.StartAgentAsync(ctx => Task.Delay(Timeout.Infinite, ctx.StoppingToken));

        await h.Runtime.StopAgentAsync(handle.AgentId);

        Assert.That(handle.Status, Is.EqualTo(AgentStatus.Stopped));
    }

    [Test]
    public async Task StopAgentAsync_AgentIgnoresStop_IsAbandonedAfterTimeout()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var release = new TaskCompletionSource();
        var handle = await h.Runtime.StartAgentAsync(_ => release.Task, new AgentOptions { StopTimeout = TimeSpan.FromMilliseconds(50) });

        await h.Runtime.StopAgentAsync(handle.AgentId);

        Assert.That(handle.Status, Is.EqualTo(AgentStatus.Stopped));
        release.SetResult();
    }

    [Test]
    public async Task StartAgentAsync_DuplicateId_Throws()
    {
        await using var h = await RuntimeHarness.StartAsync();
        await h.Runtime.StartAgentAsync(_ => Task.CompletedTask, new AgentOptions { AgentId = "same" });
        Assert.That(() => h.Runtime.StartAgentAsync(_ => Task.CompletedTask, new AgentOptions { AgentId = "same" }), Throws.ArgumentException);
    }

    [Test]
    public async Task StartAgentAsync_WithBudget_SetsAgentLimit()
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.WithDefaultAgentBudget(2m));
        var a = await h.Runtime.StartAgentAsync(_ => Task.CompletedTask, new AgentOptions { Budget = 0.5m });
        var b = await h.Runtime.StartAgentAsync(_ => Task.CompletedTask);
        Assert.That(h.Runtime.GetMetrics(a.AgentId).BudgetLimit, Is.EqualTo(0.5m));
        Assert.That(h.Runtime.GetMetrics(b.AgentId).BudgetLimit, Is.EqualTo(2m));
    }
}
