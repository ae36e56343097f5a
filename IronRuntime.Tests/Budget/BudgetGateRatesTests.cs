using IronRuntime.Budget;
using IronRuntime.Pricing;
using IronRuntime.Router;

namespace IronRuntime.Tests.Budget;

/// <summary>
/// The rates the gate reserves a call at (<c>BudgetGate.Rates.cs</c>): the dearest rate any prompt token and any output
/// token of the call can be billed at. Every call has an input bound of 100 tokens and a <c>max_tokens</c> of 100, so
/// the reservation is 100 × the input rate + 100 × the output rate (× the choices); the figures are worked out by hand
/// from the prices below.
/// </summary>
public sealed class BudgetGateRatesTests
{
    /// <summary>
    /// Per token: input $1 / M, five-minute cache write $1.25 / M, one-hour cache write $2 / M, audio input $3 / M;
    /// output $4 / M, reasoning $5 / M, audio output $8 / M.
    /// </summary>
    private static readonly ModelPrice Rich = new()
    {
        InputPerToken = 0.000001m,
        CacheWritePerToken = 0.00000125m,
        CacheWriteOneHourPerToken = 0.000002m,
        InputAudioPerToken = 0.000003m,
        OutputPerToken = 0.000004m,
        ReasoningPerToken = 0.000005m,
        OutputAudioPerToken = 0.000008m,
        MaxOutputTokens = 1_000,
    };

    /// <summary>Default tier $1 / M in, $4 / M out; priority $2 / M, $8 / M; flex $0.50 / M, $2 / M.</summary>
    private static readonly ModelPrice Tiered = new()
    {
        InputPerToken = 0.000001m,
        OutputPerToken = 0.000004m,
        MaxOutputTokens = 1_000,
        Priority = new ModelPrice { InputPerToken = 0.000002m, OutputPerToken = 0.000008m },
        Flex = new ModelPrice { InputPerToken = 0.0000005m, OutputPerToken = 0.000002m },
    };

    /// <summary>$1 / M in, $4 / M out; above 50 prompt tokens $2 / M in, $6 / M out.</summary>
    private static readonly ModelPrice LongContext = new()
    {
        InputPerToken = 0.000001m,
        OutputPerToken = 0.000004m,
        MaxOutputTokens = 1_000,
        LongContextThreshold = 50,
        LongContext = new ModelPrice { InputPerToken = 0.000002m, OutputPerToken = 0.000006m },
    };

    private static readonly Dictionary<string, ModelPrice> Prices = new(StringComparer.Ordinal)
    {
        ["m-rich"] = Rich,
        ["m-tiered"] = Tiered,
        ["m-long-context"] = LongContext,
    };

    private static async Task<decimal> ReservedAsync(string model, LlmBillingFactors billing, string? defaultTier = null)
    {
        await using var gate = GateFixture.Create(limit: 10m, c => c.DefaultServiceTier = defaultTier, prices: Prices);
        var decision = await gate.Gate.EnterAsync(GateFixture.Call(model, maxOutputTokens: 100, billing: billing), CancellationToken.None);
        Assert.That(decision.IsAllowed, Is.True, decision.Message);
        return gate.Ledger.GetSnapshot(null).Reserved;
    }

    [Test]
    public async Task NothingRequested_PromptAtTheCacheWriteRate_OutputAtTheReasoningRate()
    {
        // Neither the one-hour cache write ($2), audio input ($3) nor audio output ($8) applies.
        decimal reserved = await ReservedAsync("m-rich", new LlmBillingFactors());

        Assert.That(reserved, Is.EqualTo((100 * 0.00000125m) + (100 * 0.000005m)));
    }

    [Test]
    public async Task OneHourCache_PromptAtTheOneHourCacheWriteRate()
    {
        decimal reserved = await ReservedAsync("m-rich", new LlmBillingFactors { UsesOneHourCache = true });

        Assert.That(reserved, Is.EqualTo((100 * 0.000002m) + (100 * 0.000005m)));
    }

    [Test]
    public async Task AudioInput_PromptAtTheAudioInputRate()
    {
        decimal reserved = await ReservedAsync("m-rich", new LlmBillingFactors { HasAudioInput = true });

        Assert.That(reserved, Is.EqualTo((100 * 0.000003m) + (100 * 0.000005m)));
    }

    [Test]
    public async Task AudioOutput_OutputAtTheAudioOutputRate()
    {
        decimal reserved = await ReservedAsync("m-rich", new LlmBillingFactors { RequestsAudioOutput = true });

        Assert.That(reserved, Is.EqualTo((100 * 0.00000125m) + (100 * 0.000008m)));
    }

    [Test]
    public async Task ThreeChoices_OutputRateCountedThreeTimes()
    {
        decimal reserved = await ReservedAsync("m-rich", new LlmBillingFactors { Choices = 3 });

        Assert.That(reserved, Is.EqualTo((100 * 0.00000125m) + (3 * 100 * 0.000005m)));
    }

    [Test]
    public async Task ModelWithoutExtraRates_PromptAndOutputAtTheirOwnRates()
    {
        // No cache write, audio or reasoning price: the missing ones count as nothing, not as a rate.
        decimal reserved = await ReservedAsync("m-tiered", new LlmBillingFactors { UsesOneHourCache = true, HasAudioInput = true, RequestsAudioOutput = true });

        Assert.That(reserved, Is.EqualTo((100 * 0.000001m) + (100 * 0.000004m)));
    }

    [TestCase("priority", null, 0.000002, 0.000008)]
    [TestCase("flex", null, 0.0000005, 0.000002)]
    [TestCase("priority", "flex", 0.000002, 0.000008)]
    [TestCase("flex", "priority", 0.0000005, 0.000002)]
    [TestCase(null, "priority", 0.000002, 0.000008)]
    [TestCase(null, "flex", 0.0000005, 0.000002)]
    [TestCase("scale", "flex", 0.0000005, 0.000002)]
    [TestCase("default", "priority", 0.000002, 0.000008)]
    [TestCase("auto", null, 0.000001, 0.000004)]
    [TestCase(null, null, 0.000001, 0.000004)]
    public async Task ServiceTier_TheRequestsPriorityOrFlex_ElseTheProjectDefault(string? requested, string? projectDefault, double input, double output)
    {
        decimal reserved = await ReservedAsync("m-tiered", new LlmBillingFactors { ServiceTier = requested }, projectDefault);

        Assert.That(reserved, Is.EqualTo((100 * (decimal)input) + (100 * (decimal)output)));
    }

    [Test]
    public async Task PromptBoundAboveTheLongContextThreshold_ReservedAtLongContextRates()
    {
        decimal reserved = await ReservedAsync("m-long-context", new LlmBillingFactors());

        Assert.That(reserved, Is.EqualTo((100 * 0.000002m) + (100 * 0.000006m)));
    }
}
