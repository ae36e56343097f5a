using System.Net;
using System.Text;
using System.Text.Json;
using IronRuntime.Router;
using IronRuntime.Tests.Support;

namespace IronRuntime.Tests.Budget;

/// <summary>
/// Requests that used to spend past a budget (issue #8): each is refused or reserved for what the provider bills.
/// Prices are hand-written from the shipped table (gpt-4o-mini: $0.15 / $0.60 per 1M; priority $0.25 / $1.00;
/// claude-sonnet-4-5: $3 / $15 per 1M).
/// </summary>
public sealed class BudgetBypassTests
{
    private const string ChatUrl = "https://api.openai.com/v1/chat/completions";
    private const string MessagesUrl = RuntimeHarness.AnthropicBaseUrl + "/v1/messages";
    private const decimal MiniInput = 0.15m / 1_000_000m, MiniOutput = 0.60m / 1_000_000m;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ErrorOf(HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("error").Clone();
    }

    [Test]
    public async Task Choices_NEight_IsReservedForEightChoices()
    {
        const string one = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello there"}],"max_tokens":200}""";
        const string eight = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello there"}],"max_tokens":200,"n":8}""";
        decimal worstOne = ((Encoding.UTF8.GetByteCount(eight) + 64) * MiniInput) + (200 * MiniOutput);
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(worstOne * 3));
        h.Fake.Usage = new TokenUsage(20, 8 * 200); // what the provider bills for eight choices of 200 tokens
        using var http = h.Runtime.CreateHttpClient("chooser");

        using var refused = await http.PostAsync(ChatUrl, Json(eight));
        Assert.Multiple(() =>
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.PaymentRequired), "eight choices need 8 × 200 output tokens");
            Assert.That(h.Fake.ArrivedCount, Is.Zero);
        });

        h.Fake.Usage = new TokenUsage(20, 200);
        using var admitted = await http.PostAsync(ChatUrl, Json(one));
        Assert.That(admitted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(h.Runtime.GetBudget().Spent, Is.LessThanOrEqualTo(worstOne * 3));
    }

    [TestCase(ChatUrl, """{"model":"gpt-4o-mini","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"max_tokens":2000}""", "max_tokens")]
    [TestCase(ChatUrl, """{"model":"gpt-4o-mini","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"max_\u0074okens":2000}""", "max_tokens")]
    [TestCase(ChatUrl, """{"model":"gpt-4o-mini","max_tokens":10,"messages":[{"role":"user","content":"hi","content":"[PII hidden here]"}]}""", "content")]
    [TestCase(MessagesUrl, """{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"max_tokens":2000}""", "max_tokens")]
    [TestCase(MessagesUrl, """{"model":"claude-sonnet-4-5","max_tokens":10,"thinking":{"type":"enabled","budget_tokens":1024,"budget_tokens":9000},"messages":[]}""", "budget_tokens")]
    public async Task DuplicatedMember_InProcess_Is400NamingIt_AndNothingIsSent(string url, string body, string member)
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(1m));
        using var http = h.Runtime.CreateHttpClient("dup");

        using var response = await http.PostAsync(url, Json(body));
        var error = await ErrorOf(response);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(error.GetProperty("message").GetString(), Does.Contain($"'{member}' twice"));
            Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("invalid_request_error"));
            if (url == ChatUrl)
            {
                Assert.That(error.GetProperty("param").GetString(), Is.EqualTo(member));
            }

            Assert.That(h.Fake.ArrivedCount, Is.Zero);
            Assert.That(h.Runtime.GetBudget().Spent, Is.Zero);
        });
    }

    [Test]
    public async Task ServiceTierPriority_IsReservedAtPriorityPrices()
    {
        const string standard = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}],"max_tokens":1000}""";
        const string priority = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}],"max_tokens":1000,"service_tier":"priority"}""";
        long input = Encoding.UTF8.GetByteCount(priority) + 64;
        decimal standardWorst = (input * MiniInput) + (1000 * MiniOutput);
        decimal priorityWorst = (input * 0.25m / 1_000_000m) + (1000 * 1.00m / 1_000_000m);
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget((standardWorst + priorityWorst) / 2));
        h.Fake.Usage = new TokenUsage(10, 1000);
        using var http = h.Runtime.CreateHttpClient("tier");

        using var refused = await http.PostAsync(ChatUrl, Json(priority));
        using var admitted = await http.PostAsync(ChatUrl, Json(standard));
        Assert.Multiple(() =>
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.PaymentRequired));
            Assert.That(admitted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(h.Runtime.GetBudget().Spent, Is.EqualTo((10 * MiniInput) + (1000 * MiniOutput)));
        });
    }

    [Test]
    public async Task ServiceTierPriority_IsChargedAtPriorityPrices()
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(1m));
        h.Fake.Usage = new TokenUsage(100, 50);
        using var http = h.Runtime.CreateHttpClient("tier");

        using var response = await http.PostAsync(ChatUrl, Json("""{"model":"gpt-4o-mini","messages":[],"max_tokens":50,"service_tier":"priority"}"""));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(h.Runtime.GetBudget().Spent, Is.EqualTo((100 * 0.25m / 1_000_000m) + (50 * 1.00m / 1_000_000m)));
    }

    [Test]
    public async Task ThinkingBudgetAboveMaxTokens_IsReservedAtTheThinkingBudget()
    {
        const string body = """{"model":"claude-sonnet-4-5","max_tokens":100,"thinking":{"type":"enabled","budget_tokens":20000},"messages":[{"role":"user","content":"hi"}]}""";
        long input = Encoding.UTF8.GetByteCount(body) + 64;
        decimal inputRate = 3.75m / 1_000_000m; // the dearest prompt rate: a 5-minute cache write
        decimal withMaxTokens = (input * inputRate) + (100 * 15m / 1_000_000m);
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(withMaxTokens * 10));
        using var http = h.Runtime.CreateHttpClient("thinker");

        using var response = await http.PostAsync(MessagesUrl, Json(body));
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PaymentRequired), "20,000 thinking tokens at $15/1M do not fit");
            Assert.That(h.Fake.ArrivedCount, Is.Zero);
        });
    }

    [TestCase("""{"model":"claude-sonnet-4-5","max_tokens":100,"messages":[],"tools":[{"type":"web_search_20250305","name":"web_search"}]}""", "tools[0].max_uses")]
    [TestCase("""{"model":"claude-sonnet-4-5","max_tokens":100,"messages":[],"tools":[{"name":"f","input_schema":{}},{"type":"code_execution_20250825","name":"code_execution"}]}""", "tools[1].max_uses")]
    [TestCase("""{"model":"claude-sonnet-4-5","max_tokens":100,"messages":[],"mcp_servers":[{"type":"url","url":"https://x","name":"x"}]}""", "mcp_servers")]
    public async Task UnboundedMember_UnderABudget_Is400NamingIt(string body, string member)
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(1m));
        using var http = h.Runtime.CreateHttpClient("tools");

        using var response = await http.PostAsync(MessagesUrl, Json(body));
        var error = await ErrorOf(response);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("iron_runtime_unbounded_cost"));
            Assert.That(error.GetProperty("message").GetString(), Does.Contain($"'{member}'"));
            Assert.That(h.Fake.ArrivedCount, Is.Zero);
        });
    }

    [Test]
    public async Task OpenAIUnboundedMember_UnderABudget_Is400WithParam()
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(1m));
        using var http = h.Runtime.CreateHttpClient("bg");

        using var response = await http.PostAsync("https://api.openai.com/v1/responses", Json("""{"model":"gpt-4o-mini","input":"hi","max_output_tokens":10,"background":true}"""));
        var error = await ErrorOf(response);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("iron_runtime_unbounded_cost"));
            Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("unbounded_cost"));
            Assert.That(error.GetProperty("param").GetString(), Is.EqualTo("background"));
            Assert.That(error.GetProperty("message").GetString(), Is.EqualTo(
                "IronRuntime cannot bound what 'background' can add to the cost of this call (it brings in content or work from outside the request), "
                + "so it refuses it while a budget applies. Remove the member, or set UnboundedCostAllowance to admit such calls with that many US dollars reserved for it."));
            Assert.That(h.Fake.ArrivedCount, Is.Zero);
        });
    }

    [Test]
    public async Task WebSearchWithMaxUses_AndAnAllowance_IsReservedPerUseAndChargedPerReportedSearch()
    {
        const string body = """{"model":"claude-sonnet-4-5","max_tokens":100,"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"web_search_20250305","name":"web_search","max_uses":3}]}""";
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(1m).Configure(c => c.UnboundedCostAllowance = 0.05m));
        h.Fake.Usage = new TokenUsage(1000, 100, ServerToolUses: 2);
        using var http = h.Runtime.CreateHttpClient("searcher");

        using var response = await http.PostAsync(MessagesUrl, Json(body));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        // $10 per 1,000 searches; 1,000 input tokens at $3/1M, 100 output at $15/1M.
        Assert.That(h.Runtime.GetBudget().Spent, Is.EqualTo((1000 * 3m / 1_000_000m) + (100 * 15m / 1_000_000m) + (2 * 0.01m)));
    }

    [TestCase("low", "0.025")]
    [TestCase(null, "0.0275")]
    [TestCase("high", "0.03")]
    public async Task ChatWebSearch_IsChargedOneSearchAtItsContextSizesPrice(string? size, string perSearchText)
    {
        // gpt-4o-mini-search-preview in the shipped table: $0.15 / $0.60 per 1M tokens; per search $0.025 (low),
        // $0.0275 (medium, OpenAI's default), $0.03 (high).
        decimal perSearch = decimal.Parse(perSearchText, System.Globalization.CultureInfo.InvariantCulture);
        string options = size is null ? "{}" : "{\"search_context_size\":\"" + size + "\"}";
        string body = """{"model":"gpt-4o-mini-search-preview","max_tokens":100,"messages":[{"role":"user","content":"hi"}],"web_search_options":""" + options + "}";
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(1m).Configure(c => c.UnboundedCostAllowance = 0.05m));
        h.Fake.Usage = new TokenUsage(1000, 100); // OpenAI's usage says nothing of the search
        using var http = h.Runtime.CreateHttpClient("searcher");

        using var response = await http.PostAsync(ChatUrl, Json(body));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(h.Runtime.GetBudget().Spent, Is.EqualTo((1000 * MiniInput) + (100 * MiniOutput) + perSearch));
    }
}
