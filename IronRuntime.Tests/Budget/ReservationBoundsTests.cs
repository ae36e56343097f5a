using System.Net;
using System.Text;
using IronRuntime.Router;
using IronRuntime.Tests.Support;

namespace IronRuntime.Tests.Budget;

/// <summary>
/// What the gate holds while a call is in flight: the README's worst case, written out by hand from the price table
/// (gpt-4o-mini: <c>input_cost_per_token</c> 1.5e-07, <c>output_cost_per_token</c> 6e-07, <c>max_output_tokens</c> 16384).
/// </summary>
public sealed class ReservationBoundsTests
{
    private const string ChatUrl = "https://api.openai.com/v1/chat/completions";
    private const decimal In = 0.00000015m;
    private const decimal Out = 0.0000006m;

    private const string ImageBody =
        """{"model":"gpt-4o-mini","max_completion_tokens":10,"messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}]}""";

    private const string FileBody =
        """{"model":"gpt-4o-mini","max_output_tokens":20,"input":[{"role":"user","content":[{"type":"input_text","text":"Sum it up"},{"type":"input_file","file_id":"file-abc"},{"type":"input_file","file_id":"file-def"}]}]}""";

    [Test]
    public async Task Reserve_ImagePart_HoldsTheImageTokenBound()
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(10m).Configure(c => c.Router.ImageTokenBound = 5_000));

        decimal held = await HeldWhileInFlightAsync(h, ChatUrl, ImageBody);

        long bytes = Encoding.UTF8.GetByteCount(ImageBody);
        Assert.That(held, Is.EqualTo(((bytes + 64 + 5_000) * In) + (10 * Out)));
    }

    [Test]
    public async Task Reserve_TwoFileParts_HoldTwiceTheFileTokenBound()
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(10m).Configure(c => c.Router.FileTokenBound = 7_000));

        decimal held = await HeldWhileInFlightAsync(h, "https://api.openai.com/v1/responses", FileBody);

        long bytes = Encoding.UTF8.GetByteCount(FileBody);
        Assert.That(held, Is.EqualTo(((bytes + 64 + 14_000) * In) + (20 * Out)));
    }

    [Test]
    public async Task Reserve_ImageBoundDoesNotFitTheBudget_Denied402()
    {
        long bytes = Encoding.UTF8.GetByteCount(ImageBody);
        decimal withoutImage = ((bytes + 64) * In) + (10 * Out);
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(withoutImage + (100 * In)).Configure(c => c.Router.ImageTokenBound = 1_600));
        using var http = h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(ChatUrl, new StringContent(ImageBody, Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PaymentRequired), "1600 image tokens do not fit 100 tokens of room");
        Assert.That(h.Fake.ArrivedCount, Is.Zero);
    }

    [Test]
    public async Task NoMaxTokens_MinimumImposedNotAffordable_Denied402()
    {
        // The budget leaves room for about 100 output tokens; the runtime may not impose fewer than 500.
        const string body = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello there"}]}""";
        long bytes = Encoding.UTF8.GetByteCount(body);
        decimal limit = ((bytes + 64) * In) + (100 * Out);
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(limit).Configure(c => c.MinimumImposedOutputTokens = 500));
        using var http = h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(ChatUrl, new StringContent(body, Encoding.UTF8, "application/json"));
        string text = await response.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PaymentRequired));
            Assert.That(text, Does.Contain("500 output tokens"));
            Assert.That(h.Fake.ArrivedCount, Is.Zero);
        });
    }

    [Test]
    public async Task NoMaxTokens_MinimumImposedAffordable_ImposesWhatTheBudgetAffords()
    {
        const string body = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello there"}]}""";
        long bytes = Encoding.UTF8.GetByteCount(body);
        decimal limit = ((bytes + 64) * In) + (100 * Out);
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(limit).Configure(c => c.MinimumImposedOutputTokens = 100));
        using var http = h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(ChatUrl, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Headers.GetValues(LlmRouter.MaxTokensImposedHeader).Single(), Is.EqualTo("100"));
    }

    [Test]
    public async Task NoMaxTokens_ModelWithoutMaxOutputInTable_DefaultMaxOutputTokensReserved()
    {
        // A model priced by override without a max_output_tokens: the gate assumes DefaultMaxOutputTokens.
        const string body = """{"model":"gpt-custom-1","messages":[{"role":"user","content":"Hello there"}]}""";
        await using var h = await RuntimeHarness.StartAsync(b => b
            .WithBudget(100m)
            .OverridePrice("gpt-custom-1", new IronRuntime.Pricing.ModelPrice { InputPerToken = 0.000001m, OutputPerToken = 0.000002m })
            .Configure(c => c.DefaultMaxOutputTokens = 1234));

        decimal held = await HeldWhileInFlightAsync(h, ChatUrl, body);

        long bytes = Encoding.UTF8.GetByteCount(body);
        Assert.That(held, Is.EqualTo(((bytes + 64) * 0.000001m) + (1234 * 0.000002m)));
        using var sent = h.Fake.LastRequest.ParseBody();
        Assert.That(sent.RootElement.GetProperty("max_completion_tokens").GetInt64(), Is.EqualTo(1234));
    }

    [Test]
    public async Task UnpricedModel_RejectUnpricedModelsFalse_AdmittedAndTrackedInTokens()
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(1m).Configure(c => c.RejectUnpricedModels = false));
        h.Fake.Usage = new TokenUsage(12, 34);
        using var http = h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(ChatUrl, new StringContent(
            """{"model":"gpt-unknown-9","max_tokens":50,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

        var m = h.Runtime.GetMetrics("a1");
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((m.InputTokens, m.OutputTokens), Is.EqualTo((12L, 34L)));
            Assert.That(m.BudgetSpent, Is.Zero);
            Assert.That(h.Runtime.GetBudget().Reserved, Is.Zero);
        });
    }

    /// <summary>Sends <paramref name="body"/>, holds it at the provider, and returns what the global budget holds meanwhile.</summary>
    private static async Task<decimal> HeldWhileInFlightAsync(RuntimeHarness h, string url, string body)
    {
        h.Fake.HoldResponses();
        using var http = h.Runtime.CreateHttpClient("a1");
        var call = http.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"));
        await h.Fake.WaitForArrivalsAsync(1).WaitAsync(TimeSpan.FromSeconds(60));
        decimal held = h.Runtime.GetBudget().Reserved;
        h.Fake.ReleaseHeld();
        using var response = await call;
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return held;
    }
}
