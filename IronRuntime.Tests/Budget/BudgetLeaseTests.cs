using IronRuntime.Budget;
using IronRuntime.Budget.RateLimits;
using IronRuntime.Pricing;
using IronRuntime.Pricing.Internal;
using IronRuntime.Router;
using Microsoft.Extensions.Time.Testing;

namespace IronRuntime.Tests.Budget;

/// <summary>
/// What a lease settles when its call ends: the rates of the model that answered and of the call's service tier, plus
/// the per-use fees of the server tools the answer reports. Prices are the test's own (a table without the shipped
/// one), so every expected figure below is worked out by hand from them.
/// </summary>
public sealed class BudgetLeaseTests
{
    // m-small: $1 / M input, $4 / M output; priority $2 / $8; web searches $30 / 1k at medium, $10 / 1k at low.
    private static readonly ModelPrice Small = new()
    {
        InputPerToken = 0.000001m,
        OutputPerToken = 0.000004m,
        Priority = new ModelPrice { InputPerToken = 0.000002m, OutputPerToken = 0.000008m },
        WebSearchMediumContextPerQuery = 0.03m,
        WebSearchLowContextPerQuery = 0.01m,
    };

    // m-big: $10 / M input, $30 / M output.
    private static readonly ModelPrice Big = new() { InputPerToken = 0.00001m, OutputPerToken = 0.00003m };

    // 1,000 prompt and 200 output tokens: 0.001 + 0.0008 on m-small.
    private const decimal SmallTokens = 0.0018m;

    private static readonly TokenUsage Usage = new(1_000, 200);

    [Test]
    public void Complete_AnsweredByTheReservedModel_SettlesItsRatesAndReleasesTheReservation()
    {
        var (ledger, lease, call) = Lease(Usage);

        lease.Complete(call);

        Assert.Multiple(() =>
        {
            Assert.That(lease.Cost, Is.EqualTo(SmallTokens));
            Assert.That(call.SettledCost, Is.EqualTo(SmallTokens), "observers read the settled figure");
            Assert.That(ledger.GetSnapshot("a"), Is.EqualTo(new BudgetSnapshot("a", 1m, SmallTokens, 0m)));
            Assert.That(ledger.GetSnapshot(null), Is.EqualTo(new BudgetSnapshot(null, null, SmallTokens, 0m)));
        });
    }

    [Test]
    public void Cost_BeforeTheCallEnds_IsNull()
    {
        var (_, lease, _) = Lease(Usage);

        Assert.Multiple(() =>
        {
            Assert.That(lease.Cost, Is.Null);
            Assert.That(lease.Reserved, Is.EqualTo(0.5m));
        });
    }

    [Test]
    public void Complete_AfterAFailoverToAPricedModel_SettlesTheFallbacksRates()
    {
        var (ledger, lease, call) = Lease(Usage);
        call.Model = "m-big";

        lease.Complete(call);

        // 1,000 × 0.00001 + 200 × 0.00003
        Assert.That(lease.Cost, Is.EqualTo(0.016m));
        Assert.That(ledger.GetSnapshot("a").Spent, Is.EqualTo(0.016m));
    }

    [Test]
    public void Complete_AfterAFailoverToAnUnpricedModel_SettlesTheReservedModelsRates()
    {
        var (_, lease, call) = Lease(Usage);
        call.Model = "m-unknown";

        lease.Complete(call);

        Assert.That(lease.Cost, Is.EqualTo(SmallTokens));
    }

    [Test]
    public void Complete_UnpricedCall_SettlesNothingAndReleasesTheReservation()
    {
        var (ledger, lease, call) = Lease(Usage, price: null, model: "m-unknown");

        lease.Complete(call);

        Assert.Multiple(() =>
        {
            Assert.That(lease.Cost, Is.Zero);
            Assert.That(ledger.GetSnapshot("a"), Is.EqualTo(new BudgetSnapshot("a", 1m, 0m, 0m)));
        });
    }

    [Test]
    public void Complete_PriorityTier_SettlesThePriorityRates()
    {
        var (_, lease, call) = Lease(Usage, tier: "priority");

        lease.Complete(call);

        // 1,000 × 0.000002 + 200 × 0.000008
        Assert.That(lease.Cost, Is.EqualTo(0.0036m));
    }

    [Test]
    public void Complete_WithoutAToolList_PricesSearchesAtTheTablesPriceForTheRequestedSize()
    {
        var usage = Usage with { ServerToolUses = 2 };
        var (_, lease, call) = Lease(usage, tools: null, serverTools: [new LlmServerTool("web_search", null, "tools[0]", "low")]);

        lease.Complete(call);

        Assert.That(lease.Cost, Is.EqualTo(SmallTokens + (2 * 0.01m)));
    }

    [Test]
    public void Complete_SearchesWithAUserPrice_AreChargedTheUsersPrice()
    {
        var usage = Usage with { ServerToolUses = 3 };
        var tools = new ToolPriceList(new Dictionary<string, decimal> { ["web_search"] = 0.02m });
        var (_, lease, call) = Lease(usage, tools: tools, serverTools: [new LlmServerTool("web_search", null, "tools[0]")]);

        lease.Complete(call);

        Assert.That(lease.Cost, Is.EqualTo(SmallTokens + (3 * 0.02m)));
    }

    [Test]
    public void Complete_SearchesWithoutAUserPrice_AreChargedTheTablesPriceForTheSizeTheRequestSet()
    {
        var usage = Usage with { ServerToolUses = 3 };
        var (_, lease, call) = Lease(usage, tools: NoUserPrices(), serverTools:
        [
            new LlmServerTool("file_search", null, "tools[0]"),
            new LlmServerTool("web_search", null, "tools[1]", "low"),
        ]);

        lease.Complete(call);

        // The second tool sets the size: low, $10 / 1k.
        Assert.That(lease.Cost, Is.EqualTo(SmallTokens + (3 * 0.01m)));
    }

    [Test]
    public void Complete_SearchesWithoutAUserPriceOrASize_AreChargedTheTablesMediumPrice()
    {
        var usage = Usage with { ServerToolUses = 1 };
        var (_, lease, call) = Lease(usage, tools: NoUserPrices(), serverTools: [new LlmServerTool("web_search", null, "tools[0]")]);

        lease.Complete(call);

        Assert.That(lease.Cost, Is.EqualTo(SmallTokens + 0.03m));
    }

    [Test]
    public void Complete_SearchesOnAModelWithoutATablePrice_AreChargedTheToolsDefault()
    {
        var usage = Usage with { ServerToolUses = 4 };
        var (_, lease, call) = Lease(usage, price: Big, model: "m-big", tools: NoUserPrices(),
            serverTools: [new LlmServerTool("web_search", null, "tools[0]")]);

        lease.Complete(call);

        // 1,000 × 0.00001 + 200 × 0.00003, and OpenAI's web search at $10 / 1,000 calls.
        Assert.That(lease.Cost, Is.EqualTo(0.016m + (4 * 0.01m)));
    }

    [Test]
    public void Complete_SearchToolDeclaredWithItsDate_IsChargedAtItsOwnKindsPrice()
    {
        var usage = Usage with { ServerToolUses = 2 };
        var tools = new ToolPriceList(new Dictionary<string, decimal> { ["web_search"] = 0.02m, ["web_search_preview"] = 0.05m });
        var (_, lease, call) = Lease(usage, tools: tools, serverTools:
        [
            new LlmServerTool("file_search", null, "tools[0]"),
            new LlmServerTool("web_search_preview_2025_03_11", null, "tools[1]"),
        ]);

        lease.Complete(call);

        Assert.That(lease.Cost, Is.EqualTo(SmallTokens + (2 * 0.05m)));
    }

    [Test]
    public void Complete_ReportedToolUses_AreChargedPerUseAtTheirKindsPrice()
    {
        var uses = new Dictionary<string, long> { ["file_search"] = 2, ["image_generation.high.1024x1536"] = 1, ["code_interpreter"] = -3 };
        var tools = new ToolPriceList(new Dictionary<string, decimal>
        {
            ["file_search"] = 0.003m,
            ["image_generation.high.1024x1536"] = 0.2m,
            ["code_interpreter"] = 0.05m,
        });
        var (_, lease, call) = Lease(Usage with { ToolUses = uses }, tools: tools);

        lease.Complete(call);

        // No server tool declared: the reported uses are still charged; a negative count is none.
        Assert.That(lease.Cost, Is.EqualTo(SmallTokens + (2 * 0.003m) + 0.2m));
    }

    [Test]
    public void Complete_ContainersOfSeveralSizes_AreChargedAtTheDearestDeclared()
    {
        // OpenAI's containers (defaults of the tool price list): 1 GB $0.03, 4 GB $0.12; file search is not a container.
        var uses = new Dictionary<string, long> { ["code_interpreter"] = 2 };
        var (_, lease, call) = Lease(Usage with { ToolUses = uses }, tools: NoUserPrices(), serverTools:
        [
            new LlmServerTool("code_interpreter", null, "tools[0]") { ContainerMemoryLimit = "4g" },
            new LlmServerTool("file_search", null, "tools[1]"),
            new LlmServerTool("code_interpreter", null, "tools[2]") { ContainerMemoryLimit = "1g" },
        ]);

        lease.Complete(call);

        Assert.That(lease.Cost, Is.EqualTo(SmallTokens + (2 * 0.12m)));
    }

    [Test]
    public void Complete_ContainerOfASizeWithoutAPrice_IsChargedAtTheDearestContainer()
    {
        // No price for 8 GB (OpenAI sells 1, 4, 16 and 64 GB): the dearest, 64 GB at $1.92.
        var uses = new Dictionary<string, long> { ["code_interpreter"] = 1 };
        var (_, lease, call) = Lease(Usage with { ToolUses = uses }, tools: NoUserPrices(),
            serverTools: [new LlmServerTool("code_interpreter", null, "tools[0]") { ContainerMemoryLimit = "8g" }]);

        lease.Complete(call);

        Assert.That(lease.Cost, Is.EqualTo(SmallTokens + 1.92m));
    }

    [Test]
    public void Complete_ContainersReportedWithoutACodeInterpreterDeclared_AreChargedAtTheDearestContainer()
    {
        var uses = new Dictionary<string, long> { ["code_interpreter"] = 2 };
        var (_, lease, call) = Lease(Usage with { ToolUses = uses }, tools: NoUserPrices());

        lease.Complete(call);

        Assert.That(lease.Cost, Is.EqualTo(SmallTokens + (2 * 1.92m)));
    }

    [Test]
    public void Complete_SearchesReportedWithoutASearchToolDeclared_AreChargedTheUsersWebSearchPrice()
    {
        // The call declares only file search; the answer reports two web searches: priced as "web_search", the user's
        // $0.02, not m-small's table price ($0.03 at medium).
        var usage = Usage with { ServerToolUses = 2 };
        var tools = new ToolPriceList(new Dictionary<string, decimal> { ["web_search"] = 0.02m });
        var (_, lease, call) = Lease(usage, tools: tools, serverTools: [new LlmServerTool("file_search", null, "tools[0]")]);

        lease.Complete(call);

        Assert.That(lease.Cost, Is.EqualTo(SmallTokens + (2 * 0.02m)));
    }

    [Test]
    public void Complete_WithARateTicket_CountsTheReportedTokens()
    {
        var (_, lease, call) = Lease(Usage);
        var ticket = new RecordingTicket(5_000);
        lease.Rate = ticket;

        lease.Complete(call);

        Assert.That(ticket.Tokens, Is.EqualTo(1_200), "1,000 prompt + 200 output tokens");
    }

    [Test]
    public void CallCost_OfASettledCall_IsTheSettledFigureEvenWhenZero()
    {
        var pricing = Table();
        var call = new LlmCall("a", 0) { Model = "m-small", Usage = Usage, SettledCost = 0m };

        Assert.That(CallCost.Of(call, pricing), Is.Zero, "a settled call is not priced again");
    }

    [Test]
    public void CallCost_OfACallNoGateSettled_IsPricedFromItsUsage()
    {
        var pricing = Table();
        var priced = new LlmCall("a", 0) { Model = "m-small", Usage = Usage };
        var unpriced = new LlmCall("a", 0) { Model = "m-unknown", Usage = Usage };

        Assert.Multiple(() =>
        {
            Assert.That(CallCost.Of(priced, pricing), Is.EqualTo(SmallTokens));
            Assert.That(CallCost.Of(unpriced, pricing), Is.Zero);
        });
    }

    private static PricingTable Table()
    {
        var options = new PricingOptions { IncludeShippedTable = false };
        options.Overrides["m-small"] = Small;
        options.Overrides["m-big"] = Big;
        return PricingTable.Create(options);
    }

    private static ToolPriceList NoUserPrices() => new(new Dictionary<string, decimal>());

    /// <summary>A lease for agent "a" (limit 1) of a call reserved at 0.5 on <paramref name="model"/>.</summary>
    private static (InMemoryBudgetLedger Ledger, BudgetLease Lease, LlmCall Call) Lease(TokenUsage usage, string model = "m-small", string? tier = null,
        ToolPriceList? tools = null, IReadOnlyList<LlmServerTool>? serverTools = null, ModelPrice? price = null)
    {
        var ledger = new InMemoryBudgetLedger([], new FakeTimeProvider());
        ledger.SetLimit("a", 1m);
        Assert.That(ledger.TryReserve("a", 0.5m, 0m, 0, 0, out var reservation), Is.True);
        price ??= model == "m-small" ? Small : null;
        var lease = new BudgetLease(ledger, reservation, price, model, Table(), tier, tools);
        var call = new LlmCall("a", 0) { Model = model, Usage = usage };
        if (serverTools is not null)
        {
            call.Billing = new LlmBillingFactors { ServerTools = serverTools };
        }

        return (ledger, lease, call);
    }

    private sealed class RecordingTicket(long tokens) : RateTicket(tokens)
    {
        protected override void Give(long requests, long tokens)
        {
        }
    }
}
