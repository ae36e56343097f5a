using System.Net;
using IronRuntime.Budget;
using IronRuntime.Router;
using IronRuntime.State;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Tests.Budget;

/// <summary>
/// The gate's decisions, read straight from <see cref="BudgetGate.EnterAsync"/> over the test's own prices (see
/// <see cref="GateFixture"/>): output limits among failover models and thinking budgets, the unbounded-cost allowance,
/// the refusals' exact texts, unpriced models and a reservation the state store cannot record. Every expected figure is
/// worked out by hand from those prices; every call has an input bound of 100 tokens.
/// </summary>
public sealed class BudgetGateDecisionTests
{
    private static async Task<(LlmGateDecision Decision, decimal Reserved)> EnterAsync(GateFixture gate, LlmCall call)
    {
        var decision = await gate.Gate.EnterAsync(call, CancellationToken.None);
        return (decision, gate.Ledger.GetSnapshot(null).Reserved);
    }

    [Test]
    public async Task Failover_CallsOwnModelHasTheLargerOutputLimit_ItIsReservedAtTheDearestRates()
    {
        await using var gate = GateFixture.Create(limit: 10m);

        var (decision, reserved) = await EnterAsync(gate, GateFixture.Call("m-long", fallbacks: "m-short"));

        // m-long's 4,000 output tokens at m-short's $8 / M, and the prompt at m-short's $2 / M.
        Assert.Multiple(() =>
        {
            Assert.That(decision.IsAllowed, Is.True);
            Assert.That(decision.MaxOutputTokens, Is.EqualTo(4_000));
            Assert.That(reserved, Is.EqualTo((100 * 0.000002m) + (4_000 * 0.000008m)));
        });
    }

    [Test]
    public async Task Failover_CallsOwnModelHasNoOutputLimit_TheFallbacksLimitIsReserved()
    {
        await using var gate = GateFixture.Create(limit: 10m);

        var (decision, reserved) = await EnterAsync(gate, GateFixture.Call("m-open", fallbacks: "m-short"));

        Assert.Multiple(() =>
        {
            Assert.That(decision.MaxOutputTokens, Is.EqualTo(1_000), "not DefaultMaxOutputTokens (16,384)");
            Assert.That(reserved, Is.EqualTo((100 * 0.000002m) + (1_000 * 0.000008m)));
        });
    }

    [Test]
    public async Task NoMaxTokens_ThinkingBudgetAboveTheModelsLimit_ReservesAndImposesTheThinkingBudget()
    {
        await using var gate = GateFixture.Create(limit: 10m);

        var (decision, reserved) = await EnterAsync(gate, GateFixture.Call("m-long", billing: new LlmBillingFactors { ThinkingBudgetTokens = 6_000 }));

        Assert.Multiple(() =>
        {
            Assert.That(decision.MaxOutputTokens, Is.EqualTo(6_000));
            Assert.That(reserved, Is.EqualTo((100 * 0.000001m) + (6_000 * 0.000004m)));
        });
    }

    [Test]
    public async Task NoMaxTokens_BudgetAffordsLessThanTheThinkingBudget_Is402()
    {
        // $0.02 affords (0.02 - 0.0001) / 0.000004 = 4,975 output tokens: fewer than the 6,000 the thinking may use, so
        // no smaller limit may be imposed (MinimumImposedOutputTokens is 1, but the thinking budget is the least).
        await using var gate = GateFixture.Create(limit: 0.02m);

        var (decision, reserved) = await EnterAsync(gate, GateFixture.Call("m-long", billing: new LlmBillingFactors { ThinkingBudgetTokens = 6_000 }));

        Assert.Multiple(() =>
        {
            Assert.That(decision.IsAllowed, Is.False);
            Assert.That(decision.StatusCode, Is.EqualTo(HttpStatusCode.PaymentRequired));
            Assert.That(reserved, Is.Zero);
        });
    }

    [Test]
    public async Task AgentsLimitTooSmall_Is402NamingTheAgentsAccount()
    {
        await using var gate = GateFixture.Create(limit: 1m);
        gate.Ledger.SetLimit("a1", 0.0003m);

        var (decision, reserved) = await EnterAsync(gate, GateFixture.Call("m-long", maxOutputTokens: 100));

        // 100 × $1 / M + 100 × $4 / M = $0.0005 against the agent's $0.0003 (the global $1 has more left).
        Assert.Multiple(() =>
        {
            Assert.That(decision.StatusCode, Is.EqualTo(HttpStatusCode.PaymentRequired));
            Assert.That(decision.Message, Is.EqualTo(
                "IronRuntime budget exceeded for agent 'a1': spent $0 of the $0.0003 limit ($0 held by calls in flight); " +
                "this call to 'm-long' needs up to $0.0005 (100 input tokens at most, 100 output tokens)."));
            Assert.That(reserved, Is.Zero);
        });
    }

    [Test]
    public async Task NoBudget_NoMaxTokens_NoOutputLimitIsImposed()
    {
        await using var gate = GateFixture.Create(limit: null);

        var (decision, _) = await EnterAsync(gate, GateFixture.Call("m-long"));

        Assert.Multiple(() =>
        {
            Assert.That(decision.IsAllowed, Is.True);
            Assert.That(decision.MaxOutputTokens, Is.Null);
        });
    }

    [Test]
    public async Task Allowance_CallWithNothingUnbounded_IsReservedWithoutIt()
    {
        await using var gate = GateFixture.Create(limit: 10m, c => c.UnboundedCostAllowance = 0.5m);

        var (decision, reserved) = await EnterAsync(gate, GateFixture.Call("m-long", maxOutputTokens: 100));

        Assert.Multiple(() =>
        {
            Assert.That(decision.IsAllowed, Is.True);
            Assert.That(reserved, Is.EqualTo((100 * 0.000001m) + (100 * 0.000004m)));
        });
    }

    [Test]
    public async Task Allowance_CallWithAnUnboundedMember_IsReservedWithTheAllowanceAdded()
    {
        await using var gate = GateFixture.Create(limit: 10m, c => c.UnboundedCostAllowance = 0.5m);
        var billing = new LlmBillingFactors { UnboundedMembers = ["messages[0].content[1]"] };

        var (decision, reserved) = await EnterAsync(gate, GateFixture.Call("m-long", maxOutputTokens: 100, billing: billing));

        Assert.Multiple(() =>
        {
            Assert.That(decision.IsAllowed, Is.True);
            Assert.That(reserved, Is.EqualTo((100 * 0.000001m) + (100 * 0.000004m) + 0.5m));
        });
    }

    [Test]
    public async Task UnboundedMember_UnderABudgetWithoutAllowance_Is400NamingIt()
    {
        await using var gate = GateFixture.Create(limit: 10m);
        var billing = new LlmBillingFactors { UnboundedMembers = ["messages[0].content[1]"] };

        var (decision, reserved) = await EnterAsync(gate, GateFixture.Call("m-long", maxOutputTokens: 100, billing: billing));

        Assert.Multiple(() =>
        {
            Assert.That(decision.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((decision.ErrorType, decision.ErrorCode, decision.Param), Is.EqualTo(("iron_runtime_unbounded_cost", "unbounded_cost", "messages[0].content[1]")));
            Assert.That(decision.Message, Is.EqualTo(
                "IronRuntime cannot bound what 'messages[0].content[1]' can add to the cost of this call (it brings in content or work from outside the request), "
                + "so it refuses it while a budget applies. Remove the member, or set UnboundedCostAllowance to admit such calls with that many US dollars reserved for it."));
            Assert.That(reserved, Is.Zero);
        });
    }

    [Test]
    public async Task ToolWithoutAPrice_UnderABudget_Is400NamingIt()
    {
        await using var gate = GateFixture.Create(limit: 10m, c => c.UnboundedCostAllowance = 1m);

        var (decision, _) = await EnterAsync(gate, GateFixture.Call("m-long", maxOutputTokens: 100, billing: UnpricedContainer()));

        Assert.Multiple(() =>
        {
            Assert.That(decision.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((decision.ErrorType, decision.ErrorCode, decision.Param),
                Is.EqualTo(("iron_runtime_unbounded_cost", "unbounded_cost", "tools[0].container.memory_limit")));
            Assert.That(decision.Message, Is.EqualTo(
                "IronRuntime has no per-use price for the 'code_interpreter.8g' tool at 'tools[0].container.memory_limit', so it cannot hold the call to its budget and refuses it while a budget applies. "
                + "Remove the tool, or set its price (Pricing:ToolPrices:code_interpreter.8g, US dollars per use)."));
        });
    }

    [Test]
    public async Task ToolWithoutAPrice_WithoutABudget_IsAdmitted()
    {
        await using var gate = GateFixture.Create(limit: null);

        var (decision, _) = await EnterAsync(gate, GateFixture.Call("m-long", maxOutputTokens: 100, billing: UnpricedContainer()));

        Assert.That(decision.IsAllowed, Is.True);
    }

    [Test]
    public async Task UnpricedModel_UnderABudget_Is400SayingHowToPriceIt()
    {
        await using var gate = GateFixture.Create(limit: 10m);

        var (decision, _) = await EnterAsync(gate, GateFixture.Call("m-unknown", maxOutputTokens: 100));

        Assert.Multiple(() =>
        {
            Assert.That(decision.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((decision.ErrorType, decision.ErrorCode), Is.EqualTo(("iron_runtime_unknown_model_price", "model_price_unknown")));
            Assert.That(decision.Message, Is.EqualTo(
                "IronRuntime has no price for model 'm-unknown', so it cannot hold the call to its budget. "
                + "Add the model to the pricing map (AddPricingFile / OverridePrice) or set RejectUnpricedModels to false to track it in tokens only."));
        });
    }

    [Test]
    public async Task UnpricedModel_RejectUnpricedModelsFalse_AdmittedHoldingNothing_AndLogged()
    {
        await using var gate = GateFixture.Create(limit: 10m, c => c.RejectUnpricedModels = false);

        var (decision, reserved) = await EnterAsync(gate, GateFixture.Call("m-unknown"));
        var log = gate.Logs.GetSnapshot().Single();

        Assert.Multiple(() =>
        {
            Assert.That(decision.IsAllowed, Is.True);
            Assert.That(decision.MaxOutputTokens, Is.Null, "no output limit is imposed on a call tracked in tokens only");
            Assert.That(reserved, Is.Zero);
            Assert.That((log.Id.Id, log.Level), Is.EqualTo((2000, LogLevel.Warning)));
            Assert.That(log.Message, Is.EqualTo("Agent a1 called model m-unknown, which has no known price; it is tracked in tokens only."));
        });
    }

    /// <summary>
    /// Failures of the durable store: a full disk, and the error of a writer batch that failed for another reason (the
    /// writer passes it to every reservation of that batch), e.g. an overflow of a record's roll-up.
    /// </summary>
    private static IEnumerable<Exception> StoreFailures()
    {
        yield return new IOException("disk full");
        yield return new OverflowException("Value was either too large or too small for an Int64.");
    }

    [TestCaseSource(nameof(StoreFailures))]
    public async Task DurableStoreFails_Is503_NothingStaysReserved_AndTheFailureIsLogged(Exception failure)
    {
        await using var gate = GateFixture.Create(limit: 10m, store: new FailingStore(failure));

        var (decision, reserved) = await EnterAsync(gate, GateFixture.Call("m-long", maxOutputTokens: 100));
        var log = gate.Logs.GetSnapshot().Single();

        Assert.Multiple(() =>
        {
            Assert.That(decision.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That((decision.ErrorType, decision.ErrorCode), Is.EqualTo(("iron_runtime_state_unavailable", "state_unavailable")));
            Assert.That(reserved, Is.Zero);
            Assert.That((log.Id.Id, log.Level, log.Exception), Is.EqualTo((2030, LogLevel.Error, failure)));
        });
    }

    /// <summary>An OpenAI code interpreter in a container of 8 GB: a size with no price (OpenAI sells 1, 4, 16 and 64 GB).</summary>
    private static LlmBillingFactors UnpricedContainer()
        => new() { ServerTools = [new LlmServerTool("code_interpreter", null, "tools[0]") { ContainerMemoryLimit = "8g" }] };

    /// <summary>A state store whose durable reservations fail (a full disk, say).</summary>
    private sealed class FailingStore(Exception failure) : IRuntimeStateStore, IDurableReservations
    {
        public ValueTask<long> ReserveAsync(string? agentId, string model, decimal amount) => ValueTask.FromException<long>(failure);

        public void Settle(long reservationId, CallRecord record) => throw new InvalidOperationException("nothing was reserved");

        public void Release(long reservationId) => throw new InvalidOperationException("nothing was reserved");

        public void Append(CallRecord record) => throw new InvalidOperationException("the gate records no call");

        public void AppendAudit(IronRuntime.Pii.PiiAuditEvent auditEvent) => throw new InvalidOperationException("the gate audits nothing");

        public void AppendAgentRun(IronRuntime.Agents.AgentRunRecord run) => throw new InvalidOperationException("the gate records no run");

        public StoredRuntimeState Load() => throw new InvalidOperationException("the gate restores nothing");

        public Task FlushAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
