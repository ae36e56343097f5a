using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using IronRuntime.Router;
using IronRuntime.Tests.Support;
using Microsoft.ML.Tokenizers;

namespace IronRuntime.Tests.Budget;

/// <summary>
/// The gate's worst case and its 402 text, written out by hand from the shipped price table: gpt-4o-mini input
/// 1.5e-07, output 6e-07; claude-sonnet-4-5 cache writes 3.75e-06 (its dearest input rate), output 1.5e-05;
/// text-embedding-3-small input 2e-08. The prompt's input bound is its body bytes + 64; when that does not fit, an
/// OpenAI prompt is counted with its tokenizer by the cookbook's formula (3 per message, the role and the content,
/// 3 priming the reply) plus the documented margin of 8 tokens.
/// </summary>
public sealed class BudgetGateTests
{
    private const string ChatUrl = "https://api.openai.com/v1/chat/completions";
    private const decimal MiniIn = 0.00000015m, MiniOut = 0.0000006m;

    private static readonly string LongText = string.Concat(Enumerable.Repeat("hello ", 1000));

    private static readonly string LongBody = $$"""{"model":"gpt-4o-mini","max_completion_tokens":10,"messages":[{"role":"user","content":"{{LongText}}"}]}""";

    /// <summary>The cookbook count of <see cref="LongBody"/>'s prompt, with o200k_base, plus the margin.</summary>
    private static long LongBodyTokens()
    {
        var o200k = TiktokenTokenizer.CreateForEncoding("o200k_base");
        return 3 + o200k.CountTokens("user") + o200k.CountTokens(LongText) + 3 + 8;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>The error message of an OpenAI- or Anthropic-shaped error body.</summary>
    /// <summary>Sends one call of agent a1 while the fake holds its answer, and reads what the budget holds for it meanwhile.</summary>
    private static async Task<(HttpResponseMessage Response, decimal Held)> ReservedWhileHeldAsync(RuntimeHarness h, string url, string body)
    {
        h.Fake.HoldResponses();
        using var http = h.Runtime.CreateHttpClient("a1");
        var call = http.PostAsync(url, Json(body));
        await h.Fake.WaitForArrivalsAsync(1).WaitAsync(TimeSpan.FromSeconds(60));
        decimal held = h.Runtime.GetBudget().Reserved;
        h.Fake.ReleaseHeld();
        return (await call, held);
    }

    private static async Task<string> MessageAsync(HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("error").GetProperty("message").GetString()!;
    }

    [Test]
    public async Task Denied_AnthropicCall_MessageStatesTheWorstCaseAndItsBounds()
    {
        const string body = """{"model":"claude-sonnet-4-5","max_tokens":1000,"messages":[{"role":"user","content":"hi"}]}""";
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(0.00001m));
        using var http = h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync("https://api.anthropic.com/v1/messages", Json(body));
        string text = await MessageAsync(response);

        long input = Encoding.UTF8.GetByteCount(body) + 64;
        decimal needed = (input * 0.00000375m) + (1000 * 0.000015m);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PaymentRequired));
            Assert.That(text, Does.Contain(string.Create(CultureInfo.InvariantCulture,
                $"this call to 'claude-sonnet-4-5' needs up to ${needed:0.######} ({input} input tokens at most, 1000 output tokens)")));
        });
    }

    [Test]
    public async Task ByteBoundDoesNotFit_TokenCountDoes_AdmittedHoldingTheCount()
    {
        long tokens = LongBodyTokens();
        Assert.That(tokens, Is.LessThan(Encoding.UTF8.GetByteCount(LongBody) / 2), "the test needs a prompt whose count is well below its bytes");
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(((tokens + 100) * MiniIn) + (10 * MiniOut)));
        (HttpResponseMessage answer, decimal held) = await ReservedWhileHeldAsync(h, ChatUrl, LongBody);
        using var response = answer;

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(held, Is.EqualTo((tokens * MiniIn) + (10 * MiniOut)));
        });
    }

    [Test]
    public async Task NeitherBoundFits_Denied_MessageStatesTheCountedBound()
    {
        long tokens = LongBodyTokens();
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(((tokens - 1) * MiniIn) + (10 * MiniOut)));
        using var http = h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(ChatUrl, Json(LongBody));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = doc.RootElement.GetProperty("error");
        string text = error.GetProperty("message").GetString()!;

        decimal needed = (tokens * MiniIn) + (10 * MiniOut);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PaymentRequired));
            Assert.That((error.GetProperty("type").GetString(), error.GetProperty("code").GetString()), Is.EqualTo(("iron_runtime_budget_exceeded", "budget_exceeded")));
            Assert.That(text, Does.Contain(string.Create(CultureInfo.InvariantCulture,
                $"needs up to ${needed:0.######} ({tokens} input tokens at most, 10 output tokens)")));
            Assert.That(h.Fake.ArrivedCount, Is.Zero);
        });
    }

    [Test]
    public async Task Embeddings_UnderABudget_HoldOnlyTheInputAndGetNoImposedOutputLimit()
    {
        const string body = """{"model":"text-embedding-3-small","input":["one","two"]}""";
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(1m));
        (HttpResponseMessage answer, decimal held) = await ReservedWhileHeldAsync(h, "https://api.openai.com/v1/embeddings", body);
        using var response = answer;

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(held, Is.EqualTo((Encoding.UTF8.GetByteCount(body) + 64) * 0.00000002m));
            Assert.That(response.Headers.Contains(LlmRouter.MaxTokensImposedHeader), Is.False);
        });
    }
}
