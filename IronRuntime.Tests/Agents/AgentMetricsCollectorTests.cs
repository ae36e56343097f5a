using IronRuntime.Agents;
using IronRuntime.Budget;
using IronRuntime.Router;
using IronRuntime.State;

namespace IronRuntime.Tests.Agents;

public sealed class AgentMetricsCollectorTests
{
    [Test]
    public void Record_EstimatedCallWithoutTokens_CountsAnEstimatedChargeAsTheStateTotalsDo()
    {
        // A call charged an estimate because its usage never arrived, whose estimate came to no tokens (nothing was
        // counted for its prompt and nothing arrived): still "a call charged an estimate" (AgentMetrics.EstimatedCharges).
        var collector = new AgentMetricsCollector(new InMemoryBudgetLedger([], TimeProvider.System));
        var totals = new StateTotals();

        collector.Record("a", LlmCallOutcome.Failed, default, estimated: true);
        totals.Add(new CallRecord(DateTimeOffset.UnixEpoch, "a", LlmProvider.OpenAI, "gpt-4o", LlmCallOutcome.Failed, 502, default, 0m, 1) { Estimated = true });

        Assert.Multiple(() =>
        {
            Assert.That(collector.Get("a").EstimatedCharges, Is.EqualTo(1));
            Assert.That(collector.Get(null).EstimatedCharges, Is.EqualTo(1));
            Assert.That(totals.ToMetrics("a").EstimatedCharges, Is.EqualTo(1));
            Assert.That(collector.Get("a").Errors, Is.EqualTo(1));
        });
    }
}
