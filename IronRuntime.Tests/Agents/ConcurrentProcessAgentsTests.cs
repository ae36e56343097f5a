using System.Runtime.Versioning;
using IronRuntime.Agents;
using IronRuntime.Router;
using IronRuntime.Tests.Support;

namespace IronRuntime.Tests.Agents;

/// <summary>Many process agents at once through one proxy, each with its own budget.</summary>
[Platform("Linux")]
[SupportedOSPlatform("linux")]
public sealed class ConcurrentProcessAgentsTests
{
    [Test]
    public async Task TenAgents_SpendAttributedExactly_OneExhaustingItsBudgetDoesNotAffectTheOthers()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var usage = new TokenUsage(40, 10);
        h.Fake.Usage = usage;
        // gpt-4o-mini in the shipped price table: 1.5e-07 per input token, 6e-07 per output token.
        const decimal perCall = (40 * 0.00000015m) + (10 * 0.0000006m);
        const decimal smallBudget = 0.0001m;

        var poorOptions = ProcessAgents.Python("until-denied");
        poorOptions.AgentId = "poor";
        poorOptions.Budget = smallBudget;
        var starts = new List<Task<AgentHandle>> { h.Runtime.StartAgentAsync(ProcessAgents.PythonAgent, poorOptions) };
        for (int i = 1; i <= 9; i++)
        {
            var options = ProcessAgents.Python("chat", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            options.AgentId = $"agent-{i}";
            options.Budget = 1m;
            starts.Add(h.Runtime.StartAgentAsync(ProcessAgents.PythonAgent, options));
        }

        var agents = await Task.WhenAll(starts);
        foreach (var agent in agents)
        {
            await agent.ExpectExitAsync();
        }

        string denial = await agents[0].WaitForLineAsync("DENIED ");
        int poorCalls = int.Parse(denial[(denial.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var poor = h.Runtime.GetMetrics("poor");
        Assert.Multiple(() =>
        {
            Assert.That(denial, Does.StartWith("DENIED 402 iron_runtime_budget_exceeded"));
            Assert.That(poorCalls, Is.GreaterThan(0));
            Assert.That((poor.Requests, poor.SucceededRequests, poor.DeniedRequests), Is.EqualTo((poorCalls + 1L, (long)poorCalls, 1L)));
            Assert.That(poor.BudgetSpent, Is.EqualTo(poorCalls * perCall).And.LessThanOrEqualTo(smallBudget));
            for (int i = 1; i <= 9; i++)
            {
                var m = h.Runtime.GetMetrics($"agent-{i}");
                Assert.That((m.Requests, m.SucceededRequests, m.DeniedRequests, m.InputTokens, m.OutputTokens), Is.EqualTo((i, i, 0L, 40L * i, 10L * i)), $"agent-{i}");
                Assert.That(m.BudgetSpent, Is.EqualTo(i * perCall), $"agent-{i}");
                Assert.That(m.BudgetReserved, Is.Zero, $"agent-{i}");
            }

            Assert.That(h.Runtime.GetTotals().BudgetSpent, Is.EqualTo((45 + poorCalls) * perCall));
        });
    }
}
