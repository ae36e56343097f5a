using IronRuntime.Agents;
using IronRuntime.Tests.Support;

namespace IronRuntime.Tests.Agents;

/// <summary>
/// What a caller may rely on once a stop or an exit has been awaited: the end's status event has been raised (its
/// handlers have returned) and the run is in the history.
/// </summary>
public sealed class AgentEndOrderTests
{
    [Test]
    public async Task StopAgentAsync_Returned_TheStoppedEventHasBeenHandled()
    {
        await using var h = await RuntimeHarness.StartAsync();
        int stoppedHandled = 0;
        h.Runtime.AgentStatusChanged += (_, e) =>
        {
            if (e.Status == AgentStatus.Stopped)
            {
                Thread.Sleep(300); // a slow handler: the waiter must not overtake it
                Volatile.Write(ref stoppedHandled, 1);
            }
        };
        var handle = await h.Runtime.StartAgentAsync(ctx => Task.Delay(Timeout.Infinite, ctx.StoppingToken), new AgentOptions { AgentId = "slow-handler" });

        await h.Runtime.StopAgentAsync(handle.AgentId).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Multiple(() =>
        {
            Assert.That(Volatile.Read(ref stoppedHandled), Is.EqualTo(1), "the Stopped event ran before the stop returned");
            Assert.That(h.Runtime.ListAgentHistory().Select(r => (r.AgentId, r.Status)), Is.EqualTo(new[] { ("slow-handler", AgentStatus.Stopped) }));
        });
    }

    [Test]
    public async Task WaitForExitAsync_Returned_TheExitedEventHasBeenHandled()
    {
        await using var h = await RuntimeHarness.StartAsync();
        int exitedHandled = 0;
        h.Runtime.AgentStatusChanged += (_, e) =>
        {
            if (e.Status == AgentStatus.Exited)
            {
                Thread.Sleep(300);
                Volatile.Write(ref exitedHandled, 1);
            }
        };
        var handle = await h.Runtime.StartAgentAsync(_ => Task.CompletedTask, new AgentOptions { AgentId = "quick" });

        await handle.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(Volatile.Read(ref exitedHandled), Is.EqualTo(1), "the Exited event ran before the wait returned");
    }
}
