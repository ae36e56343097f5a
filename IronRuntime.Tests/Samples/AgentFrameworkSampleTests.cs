using IronRuntime.ChatClients;
using IronRuntime.Router;
using IronRuntime.Samples.AgentFramework;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Support;

namespace IronRuntime.Tests.Samples;

/// <summary>
/// The Microsoft Agent Framework sample (samples/IronRuntime.AgentFramework): its <c>ChatClientAgent</c> with the
/// <c>get_tide</c> tool runs as an IronRuntime agent against the fake provider, which answers a tool call first (a
/// recorded fixture) and then the final answer. Costs by hand from the shipped price table: gpt-4o-mini $0.15 / $0.60
/// per million input / output tokens, claude-sonnet-4-5 $3 / $15.
/// </summary>
public sealed class AgentFrameworkSampleTests
{
    [Test]
    public async Task AskAsync_OpenAI_ToolRoundTripWorksAndTheCostIsExact()
    {
        await using var h = await RuntimeHarness.StartAsync();
        h.Fake.ReplayNext(1, "chat.gpt-4o-mini.tool-call.json"); // 82 in, 17 out
        h.Fake.Usage = new TokenUsage(120, 9);

        string answer = await TideAgent.AskAsync(h.Runtime, "When is high tide in Brest?", budget: 0.05m);

        await Eventually.UntilAsync(() => h.Runtime.GetBudget(TideAgent.AgentId).Reserved == 0m);
        Assert.Multiple(() =>
        {
            Assert.That(answer, Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(h.Fake.Requests, Has.Count.EqualTo(2));
            Assert.That(h.Fake.Requests[0].BodyText, Does.Contain("\"get_tide\"").And.Contain("You answer questions about tides."));
            Assert.That(h.Fake.Requests[1].BodyText, Does.Contain("call_Yb3kT9mQ2xW7vL1nR5cH8pZd").And.Contain("High tide in Brest at 18:40."));
            // 82 × 0.15/M + 17 × 0.60/M + 120 × 0.15/M + 9 × 0.60/M
            Assert.That(h.Runtime.GetBudget(TideAgent.AgentId).Spent, Is.EqualTo(0.0000459m));
        });
    }

    [Test]
    public async Task AskAsync_Anthropic_ToolRoundTripWorksAndTheCostIsExact()
    {
        await using var h = await RuntimeHarness.StartAsync();
        h.Fake.ReplayNext(1, "messages.claude-sonnet-4-5.tool-use.json"); // 390 in, 55 out
        h.Fake.Usage = new TokenUsage(200, 12);

        string answer = await TideAgent.AskAsync(h.Runtime, "When is high tide in Brest?", budget: 0.05m, model: "claude-sonnet-4-5");

        await Eventually.UntilAsync(() => h.Runtime.GetBudget(TideAgent.AgentId).Reserved == 0m);
        Assert.Multiple(() =>
        {
            Assert.That(answer, Does.EndWith(FakeProvider.DefaultReplyText));
            Assert.That(h.Fake.Requests[1].BodyText, Does.Contain("toolu_01A9sD3fG5hJ7kL9zX1cV3bN").And.Contain("High tide in Brest at 18:40."));
            // 390 × 3/M + 55 × 15/M + 200 × 3/M + 12 × 15/M
            Assert.That(h.Runtime.GetBudget(TideAgent.AgentId).Spent, Is.EqualTo(0.002775m));
        });
    }

    [Test]
    public async Task AskAsync_BudgetTooSmall_RefusalSurfacesAsBudgetExceededAndNothingIsSent()
    {
        await using var h = await RuntimeHarness.StartAsync();

        var ex = Assert.ThrowsAsync<BudgetExceededException>(() => TideAgent.AskAsync(h.Runtime, "When is high tide in Brest?", budget: 0.000001m));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.AgentId, Is.EqualTo(TideAgent.AgentId));
            Assert.That(ex.StatusCode, Is.EqualTo(402));
            Assert.That(ex.Message, Does.Contain("agent 'tide-agent'"));
            Assert.That(h.Fake.ArrivedCount, Is.Zero);
            Assert.That(h.Runtime.GetBudget(TideAgent.AgentId).Spent, Is.Zero);
        });
    }
}
