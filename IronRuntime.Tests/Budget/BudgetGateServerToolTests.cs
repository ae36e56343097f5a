using System.Net;
using IronRuntime.Pricing;
using IronRuntime.Router;

namespace IronRuntime.Tests.Budget;

/// <summary>
/// How the gate bounds server tools billed per use (<c>BudgetGate.Rates.cs</c>): a tool's use limit is the smaller of
/// its own <c>max_uses</c> and the request's <c>max_tool_calls</c>; a tool billed per call (code execution) counts once;
/// a web search costs the user's price, else the table's, else the default; and a tool nothing bounds is refused,
/// naming where its limit goes. Every call here is on <c>m-long</c> ($1 / M input, $4 / M output) with an input bound of
/// 100 tokens and a <c>max_tokens</c> of 100 — $0.0005 — plus the allowance of $0.50 that tools need; the tool fees are
/// the defaults of docs/budgets.md ("Per-use tool prices": file search $2.50 / 1,000, web search $10 / 1,000, code
/// execution $0.05 a container-hour) unless a test sets its own.
/// </summary>
public sealed class BudgetGateServerToolTests
{
    private const decimal TokensAndAllowance = 0.0005m + 0.5m;

    private static async Task<decimal> ReservedAsync(LlmBillingFactors billing, Action<RuntimeConfig>? configure = null,
        IReadOnlyDictionary<string, ModelPrice>? prices = null, string model = "m-long")
    {
        await using var gate = GateFixture.Create(limit: 10m, c =>
        {
            c.UnboundedCostAllowance = 0.5m;
            configure?.Invoke(c);
        }, prices: prices);
        var decision = await gate.Gate.EnterAsync(GateFixture.Call(model, maxOutputTokens: 100, billing: billing), CancellationToken.None);
        Assert.That(decision.IsAllowed, Is.True, decision.Message);
        return gate.Ledger.GetSnapshot(null).Reserved;
    }

    private static LlmBillingFactors Tools(long? maxToolCalls, params LlmServerTool[] tools) => new() { ServerTools = tools, MaxToolCalls = maxToolCalls };

    [Test]
    public async Task OwnUseLimitAboveMaxToolCalls_IsBoundedByMaxToolCalls()
    {
        decimal reserved = await ReservedAsync(Tools(2, new LlmServerTool("file_search", 5, "tools[0]")));

        Assert.That(reserved, Is.EqualTo(TokensAndAllowance + (2 * 0.0025m)));
    }

    [Test]
    public async Task OwnUseLimitBelowMaxToolCalls_IsBoundedByItsOwnLimit()
    {
        decimal reserved = await ReservedAsync(Tools(6, new LlmServerTool("file_search", 3, "tools[0]")));

        Assert.That(reserved, Is.EqualTo(TokensAndAllowance + (3 * 0.0025m)));
    }

    [Test]
    public async Task OwnUseLimitAlone_IsTheBound()
    {
        decimal reserved = await ReservedAsync(Tools(null, new LlmServerTool("file_search", 3, "tools[0]")));

        Assert.That(reserved, Is.EqualTo(TokensAndAllowance + (3 * 0.0025m)));
    }

    [Test]
    public async Task MaxToolCallsAlone_IsTheBound()
    {
        decimal reserved = await ReservedAsync(Tools(4, new LlmServerTool("file_search", null, "tools[0]")));

        Assert.That(reserved, Is.EqualTo(TokensAndAllowance + (4 * 0.0025m)));
    }

    [Test]
    public async Task CodeExecution_IsBilledOncePerCall_WhateverItsUseLimit()
    {
        decimal reserved = await ReservedAsync(Tools(null, new LlmServerTool("code_execution", 5, "tools[0]")));

        Assert.That(reserved, Is.EqualTo(TokensAndAllowance + 0.05m));
    }

    [Test]
    public async Task WebSearch_UsersPriceWinsOverTheTables()
    {
        var prices = new Dictionary<string, ModelPrice>
        {
            ["m-search"] = new() { InputPerToken = 0.000001m, OutputPerToken = 0.000004m, MaxOutputTokens = 4_000, WebSearchPerQuery = 0.03m },
        };

        decimal reserved = await ReservedAsync(Tools(null, new LlmServerTool("web_search", 2, "tools[0]")),
            c => c.Pricing.ToolPrices["web_search"] = 0.02m, prices, "m-search");

        Assert.That(reserved, Is.EqualTo(TokensAndAllowance + (2 * 0.02m)));
    }

    [Test]
    public async Task WebSearch_TablesPriceWinsOverTheDefault()
    {
        var prices = new Dictionary<string, ModelPrice>
        {
            ["m-search"] = new() { InputPerToken = 0.000001m, OutputPerToken = 0.000004m, MaxOutputTokens = 4_000, WebSearchPerQuery = 0.03m },
        };

        decimal reserved = await ReservedAsync(Tools(null, new LlmServerTool("web_search", 2, "tools[0]")), prices: prices, model: "m-search");

        Assert.That(reserved, Is.EqualTo(TokensAndAllowance + (2 * 0.03m)));
    }

    [Test]
    public async Task WebSearch_WithoutATablePrice_CostsTheDefault()
    {
        decimal reserved = await ReservedAsync(Tools(null, new LlmServerTool("web_search", 2, "tools[0]")));

        Assert.That(reserved, Is.EqualTo(TokensAndAllowance + (2 * 0.01m)));
    }

    [Test]
    public async Task ToolWithoutUseLimit_NoAllowance_Is400NamingWhereItsLimitGoes()
    {
        await using var gate = GateFixture.Create(limit: 10m);
        var billing = Tools(null, new LlmServerTool("web_search", null, "tools[1]"));

        var decision = await gate.Gate.EnterAsync(GateFixture.Call("m-long", maxOutputTokens: 100, billing: billing), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(decision.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((decision.ErrorType, decision.ErrorCode, decision.Param), Is.EqualTo(("iron_runtime_unbounded_cost", "unbounded_cost", "tools[1].max_uses")));
            Assert.That(decision.Message, Is.EqualTo("IronRuntime cannot bound what 'tools[1].max_uses' can add to the cost of this call (the provider runs the "
                + "'web_search' tool with no use limit, and bills each use and its results), so it refuses it while a budget applies. Remove the member, "
                + "or set UnboundedCostAllowance to admit such calls with that many US dollars reserved for it."));
            Assert.That(gate.Ledger.GetSnapshot(null).Reserved, Is.Zero);
        });
    }

    [Test]
    public async Task ToolWithUseLimit_NoAllowance_Is400NamingTheTool_ForTheResultsItAddsToThePrompt()
    {
        await using var gate = GateFixture.Create(limit: 10m);
        var billing = Tools(null, new LlmServerTool("web_search", 3, "tools[0]"));

        var decision = await gate.Gate.EnterAsync(GateFixture.Call("m-long", maxOutputTokens: 100, billing: billing), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(decision.Param, Is.EqualTo("tools[0]"));
            Assert.That(decision.Message, Does.StartWith("IronRuntime cannot bound what 'tools[0]' can add to the cost of this call (the provider runs the "
                + "'web_search' tool and adds its results to the prompt), so it refuses it while a budget applies."));
        });
    }

    [Test]
    public async Task ToolNamedOutsideTools_NoUseLimit_Is400NamingTheMemberItself()
    {
        // Chat Completions' web_search_options is a member of its own, not an entry of tools: there is no max_uses to name.
        await using var gate = GateFixture.Create(limit: 10m);
        var billing = Tools(null, new LlmServerTool("web_search_options", null, "web_search_options"));

        var decision = await gate.Gate.EnterAsync(GateFixture.Call("m-long", maxOutputTokens: 100, billing: billing), CancellationToken.None);

        Assert.That(decision.Param, Is.EqualTo("web_search_options"));
    }
}
