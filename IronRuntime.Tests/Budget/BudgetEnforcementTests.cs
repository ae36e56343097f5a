using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using IronRuntime.Budget;
using IronRuntime.Router;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Support;
using OpenAI.Chat;

namespace IronRuntime.Tests.Budget;

/// <summary>Budgets enforced end to end through the router against the loopback fake.</summary>
public sealed class BudgetEnforcementTests
{
    private const string ChatUrl = "https://api.openai.com/v1/chat/completions";

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string ChatBody(int maxTokens, bool stream = false)
        => $$"""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello there"}],"max_completion_tokens":{{maxTokens}}{{(stream ? ",\"stream\":true" : "")}}}""";

    /// <summary>gpt-4o-mini in the shipped price table (<c>model_prices.json</c>): <c>input_cost_per_token</c> 1.5e-07.</summary>
    private const decimal InputPerToken = 0.00000015m;

    /// <summary>gpt-4o-mini: <c>output_cost_per_token</c> 6e-07.</summary>
    private const decimal OutputPerToken = 0.0000006m;

    /// <summary>The worst case the gate reserves for <see cref="ChatBody"/>: body bytes + 64 input tokens, max output tokens (written from the price table, not computed by the pricing code).</summary>
    private static decimal WorstCase(int maxTokens)
    {
        long input = Encoding.UTF8.GetByteCount(ChatBody(maxTokens)) + 64;
        return (input * InputPerToken) + (maxTokens * OutputPerToken);
    }

    [Test]
    [Repeat(10)]
    public async Task ConcurrentRequests_BudgetFitsK_ExactlyKSucceedAndSpendNeverExceedsLimit()
    {
        const int total = 200, fits = 37, maxTokens = 500;
        decimal worst = WorstCase(maxTokens);
        decimal limit = (worst * fits) + (worst / 2);
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(limit));

        // The fake reports exactly the worst case, and holds every admitted call until all 200 have been decided.
        long input = Encoding.UTF8.GetByteCount(ChatBody(maxTokens)) + 64;
        h.Fake.Usage = new TokenUsage(input, maxTokens);
        h.Fake.HoldResponses();
        using var http = h.Runtime.CreateHttpClient("burst");

        var calls = Enumerable.Range(0, total).Select(_ => http.PostAsync(ChatUrl, Json(ChatBody(maxTokens)))).ToArray();
        await h.Fake.WaitForArrivalsAsync(fits);
        await Eventually.UntilAsync(() => calls.Count(c => c.IsCompleted) == total - fits, TimeSpan.FromSeconds(30));
        Assert.That(h.Runtime.GetBudget().Reserved, Is.LessThanOrEqualTo(limit));
        h.Fake.ReleaseHeld();
        var responses = await Task.WhenAll(calls);

        Assert.Multiple(() =>
        {
            Assert.That(responses.Count(r => r.StatusCode == HttpStatusCode.OK), Is.EqualTo(fits));
            Assert.That(responses.Count(r => r.StatusCode == HttpStatusCode.PaymentRequired), Is.EqualTo(total - fits));
            Assert.That(h.Fake.ArrivedCount, Is.EqualTo(fits));
            Assert.That(h.Runtime.GetBudget().Spent, Is.EqualTo(worst * fits));
            Assert.That(h.Runtime.GetBudget().Spent, Is.LessThanOrEqualTo(limit));
            Assert.That(h.Runtime.GetBudget().Reserved, Is.Zero);
            Assert.That(h.Runtime.GetMetrics("burst").DeniedRequests, Is.EqualTo(total - fits));
        });
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Test]
    public async Task Denied_OpenAIRoute_Is402InOpenAIShapeStatingSpentAndLimit()
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(0.00001m));
        using var http = h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(ChatUrl, Json(ChatBody(1000)));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = doc.RootElement.GetProperty("error");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PaymentRequired));
            Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("iron_runtime_budget_exceeded"));
            Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("budget_exceeded"));
            Assert.That(error.GetProperty("message").GetString(), Does.Contain("spent $0 of the $0.00001 limit"));
            Assert.That(h.Fake.ArrivedCount, Is.Zero);
        });
    }

    [Test]
    public async Task Denied_AnthropicRoute_Is402InAnthropicShape()
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(0.00001m));
        using var http = h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync("https://api.anthropic.com/v1/messages",
            Json("""{"model":"claude-sonnet-4-5","max_tokens":1000,"messages":[{"role":"user","content":"hi"}]}"""));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PaymentRequired));
            Assert.That(doc.RootElement.GetProperty("type").GetString(), Is.EqualTo("error"));
            Assert.That(doc.RootElement.GetProperty("error").GetProperty("type").GetString(), Is.EqualTo("iron_runtime_budget_exceeded"));
        });
    }

    [Test]
    public async Task Denied_OpenAISdk_RaisesClientResultExceptionWith402()
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(0.00001m));
        using var http = h.Runtime.CreateHttpClient("a1");
        var chat = ProviderClients.Chat(RuntimeHarness.OpenAIEndpoint, http, "placeholder");

        var ex = Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { MaxOutputTokenCount = 1000 }));

        Assert.That(ex!.Status, Is.EqualTo(402));
    }

    [Test]
    public async Task AgentBudget_ExhaustedAgentIsDenied_OtherAgentsUnaffected()
    {
        await using var h = await RuntimeHarness.StartAsync();
        h.Runtime.SetBudget("poor", WorstCase(100) * 1.5m);
        h.Runtime.SetBudget("rich", 1m);
        using var poor = h.Runtime.CreateHttpClient("poor");
        using var rich = h.Runtime.CreateHttpClient("rich");
        h.Fake.Usage = new TokenUsage(10, 100);

        using var first = await poor.PostAsync(ChatUrl, Json(ChatBody(100)));
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 3; i++)
        {
            using var r = await poor.PostAsync(ChatUrl, Json(ChatBody(100)));
            statuses.Add(r.StatusCode);
        }

        using var richResponse = await rich.PostAsync(ChatUrl, Json(ChatBody(100)));

        Assert.Multiple(() =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(statuses, Does.Contain(HttpStatusCode.PaymentRequired));
            Assert.That(richResponse.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(h.Runtime.GetMetrics("poor").BudgetSpent, Is.LessThanOrEqualTo(WorstCase(100) * 1.5m));
        });
    }

    [Test]
    public async Task NoMaxTokens_WithBudget_ImposesAffordableLimitAndSaysSo()
    {
        decimal limit = 0.001m;
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(limit));
        using var http = h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(ChatUrl, Json("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello there"}]}"""));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Headers.TryGetValues(LlmRouter.MaxTokensImposedHeader, out var values), Is.True);
        long imposed = long.Parse(values!.Single(), System.Globalization.CultureInfo.InvariantCulture);
        using var sent = h.Fake.LastRequest.ParseBody();
        Assert.Multiple(() =>
        {
            Assert.That(sent.RootElement.GetProperty("max_completion_tokens").GetInt64(), Is.EqualTo(imposed));
            Assert.That(imposed, Is.GreaterThan(0).And.LessThan(16384), "gpt-4o-mini's 16,384 does not fit $0.001 at $0.60/M");
            Assert.That(imposed * 0.0000006m, Is.LessThanOrEqualTo(limit));
        });
    }

    [Test]
    public async Task NoMaxTokens_WithoutBudget_SendsRequestUnchanged()
    {
        await using var h = await RuntimeHarness.StartAsync();
        using var http = h.Runtime.CreateHttpClient("a1");
        const string body = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello there"}]}""";

        using var response = await http.PostAsync(ChatUrl, Json(body));

        Assert.That(response.Headers.Contains(LlmRouter.MaxTokensImposedHeader), Is.False);
        Assert.That(h.Fake.LastRequest.BodyText, Is.EqualTo(body));
    }

    [Test]
    public async Task UnknownModel_WithBudget_IsRefusedWithClearError()
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(1m));
        using var http = h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(ChatUrl, Json("""{"model":"gpt-unknown-9","max_tokens":10,"messages":[]}"""));
        string text = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(text, Does.Contain("iron_runtime_unknown_model_price").And.Contain("gpt-unknown-9"));
        Assert.That(h.Fake.ArrivedCount, Is.Zero);
    }

    [Test]
    public async Task UnknownModel_WithoutBudget_IsTrackedInTokens()
    {
        await using var h = await RuntimeHarness.StartAsync();
        h.Fake.Usage = new TokenUsage(11, 22);
        using var http = h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(ChatUrl, Json("""{"model":"gpt-unknown-9","messages":[]}"""));

        var m = h.Runtime.GetMetrics("a1");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((m.InputTokens, m.OutputTokens, m.BudgetSpent), Is.EqualTo((11L, 22L, 0m)));
    }

    [Test]
    public async Task Thresholds_CrossedBySpend_RaiseAlertsOnceEach()
    {
        decimal worst = WorstCase(100);
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(worst * 4).WithAlertThresholds(0.5m, 1.0m));
        long input = Encoding.UTF8.GetByteCount(ChatBody(100)) + 64;
        h.Fake.Usage = new TokenUsage(input, 100);
        var alerts = new List<BudgetAlert>();
        h.Runtime.BudgetAlert += (_, a) => { lock (alerts) { alerts.Add(a); } };
        using var http = h.Runtime.CreateHttpClient();

        for (int i = 0; i < 5; i++)
        {
            using var _ = await http.PostAsync(ChatUrl, Json(ChatBody(100)));
        }

        Assert.That(alerts.Select(a => a.Threshold), Is.EqualTo(new[] { 0.5m, 1.0m }));
        Assert.That(alerts.All(a => a.AgentId is null), Is.True);
    }
}
