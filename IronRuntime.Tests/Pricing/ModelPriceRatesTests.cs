using IronRuntime.Pricing;
using IronRuntime.Router;

namespace IronRuntime.Tests.Pricing;

/// <summary>
/// The rates beyond input and output — long-context prompts, service tiers, audio, one-hour cache writes, web searches —
/// priced from the shipped table. Every expected figure is worked out by hand from the numbers in
/// <c>IronRuntime.Core/Pricing/Data/model_prices.json</c>, quoted above each test.
/// </summary>
public sealed class ModelPriceRatesTests
{
    private static readonly PricingTable Shipped = PricingTable.Create();

    // claude-sonnet-4-5: input 3e-06, output 1.5e-05, cache read 3e-07, cache write 3.75e-06, one-hour write 6e-06;
    // above 200k prompt tokens: input 6e-06, output 2.25e-05, cache read 6e-07, cache write 7.5e-06, one-hour write 1.2e-05.
    [Test]
    public void CostOf_PromptOfExactly200kTokens_IsPricedAtTheBaseRates()
    {
        var usage = new TokenUsage(InputTokens: 200_000, OutputTokens: 100);

        // 200,000 * 0.000003 = 0.6; 100 * 0.000015 = 0.0015.
        Assert.That(PriceOf("claude-sonnet-4-5").CostOf(usage), Is.EqualTo(0.6015m));
    }

    [Test]
    public void CostOf_PromptOneTokenAbove200k_IsPricedEntirelyAtTheLongContextRates()
    {
        var usage = new TokenUsage(InputTokens: 200_001, OutputTokens: 100);

        // 200,001 * 0.000006 = 1.200006; 100 * 0.0000225 = 0.00225.
        Assert.That(PriceOf("claude-sonnet-4-5").CostOf(usage), Is.EqualTo(1.202256m));
    }

    [Test]
    public void CostOf_LongContextWithCacheReadsAndBothCacheWrites_PricesEachPartAtItsLongContextRate()
    {
        var usage = new TokenUsage(
            InputTokens: 300_000, OutputTokens: 1_000, CachedInputTokens: 100_000, CacheCreationInputTokens: 50_000,
            CacheCreationOneHourInputTokens: 20_000);

        // 150,000 uncached * 0.000006 = 0.9; 100,000 read * 0.0000006 = 0.06; 30,000 five-minute writes * 0.0000075 = 0.225;
        // 20,000 one-hour writes * 0.000012 = 0.24; 1,000 output * 0.0000225 = 0.0225.
        Assert.That(PriceOf("claude-sonnet-4-5").CostOf(usage), Is.EqualTo(1.4475m));
    }

    [Test]
    public void ForPromptLength_AtAndAboveTheThreshold_GivesBaseThenLongContextRates()
    {
        ModelPrice price = PriceOf("claude-sonnet-4-5");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(price.LongContextThreshold, Is.EqualTo(200_000));
            Assert.That(price.ForPromptLength(200_000).InputPerToken, Is.EqualTo(0.000003m));
            Assert.That(price.ForPromptLength(200_001).InputPerToken, Is.EqualTo(0.000006m));
            Assert.That(price.ForPromptLength(200_001).OutputPerToken, Is.EqualTo(0.0000225m));
            Assert.That(price.ForPromptLength(200_001).CachedInputPerToken, Is.EqualTo(0.0000006m));
            Assert.That(price.ForPromptLength(200_001).CacheWritePerToken, Is.EqualTo(0.0000075m));
            Assert.That(price.ForPromptLength(200_001).CacheWriteOneHourPerToken, Is.EqualTo(0.000012m));
        }
    }

    // gpt-5.4: input 2.5e-06, output 1.5e-05; above 272k: input 5e-06, output 2.25e-05, cache read 5e-07.
    [Test]
    public void CostOf_Gpt54PromptAbove272k_IsPricedAtTheLongContextRates()
    {
        ModelPrice price = PriceOf("gpt-5.4");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(price.LongContextThreshold, Is.EqualTo(272_000));
            // 272,000 * 0.0000025 = 0.68; 10 * 0.000015 = 0.00015.
            Assert.That(price.CostOf(new TokenUsage(272_000, 10)), Is.EqualTo(0.68015m));
            // 272,001 - 1 cached = 272,000 * 0.000005 = 1.36; 1 * 0.0000005; 10 * 0.0000225 = 0.000225.
            Assert.That(price.CostOf(new TokenUsage(272_001, 10, CachedInputTokens: 1)), Is.EqualTo(1.3602255m));
        }
    }

    [Test]
    public void LongContext_ModelWithoutLongContextPrices_HasNoThreshold()
    {
        ModelPrice price = PriceOf("gpt-4o");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(price.LongContextThreshold, Is.Null);
            Assert.That(price.LongContext, Is.Null);
            // 1,000,000 * 0.0000025 = 2.5: no threshold, base rates however long the prompt.
            Assert.That(price.CostOf(new TokenUsage(1_000_000, 0)), Is.EqualTo(2.5m));
        }
    }

    // gpt-5: input 1.25e-06, output 1e-05, cache read 1.25e-07; priority 2.5e-06 / 2e-05 / 2.5e-07; flex 6.25e-07 / 5e-06 / 6.25e-08.
    [TestCase("priority", "0.0000025", "0.00002", "0.00000025")]
    [TestCase("flex", "0.000000625", "0.000005", "0.0000000625")]
    [TestCase("default", "0.00000125", "0.00001", "0.000000125")]
    [TestCase("auto", "0.00000125", "0.00001", "0.000000125")]
    [TestCase(null, "0.00000125", "0.00001", "0.000000125")]
    public void ForServiceTier_Gpt5_GivesTheTiersRates(string? tier, string input, string output, string cached)
    {
        ModelPrice price = PriceOf("gpt-5").ForServiceTier(tier);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(price.InputPerToken, Is.EqualTo(decimal.Parse(input, System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(price.OutputPerToken, Is.EqualTo(decimal.Parse(output, System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(price.CachedInputPerToken, Is.EqualTo(decimal.Parse(cached, System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    // gpt-4o-mini has a priority tier (2.5e-07 / 1e-06) but no flex tier: flex is billed at the base 1.5e-07 / 6e-07.
    [Test]
    public void ForServiceTier_TierTheModelDoesNotHave_GivesTheBaseRates()
    {
        ModelPrice price = PriceOf("gpt-4o-mini");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(price.Flex, Is.Null);
            Assert.That(price.ForServiceTier("flex").InputPerToken, Is.EqualTo(0.00000015m));
            Assert.That(price.ForServiceTier("priority").InputPerToken, Is.EqualTo(0.00000025m));
            Assert.That(price.ForServiceTier("priority").OutputPerToken, Is.EqualTo(0.000001m));
            Assert.That(PriceOf("claude-sonnet-4-5").ForServiceTier("priority").InputPerToken, Is.EqualTo(0.000003m));
        }
    }

    // gpt-4o-audio-preview: text input 2.5e-06, text output 1e-05, audio input 4e-05, audio output 8e-05.
    [Test]
    public void CostOf_AudioTokens_ArePricedAtTheAudioRates()
    {
        var usage = new TokenUsage(InputTokens: 1_000, OutputTokens: 500, AudioInputTokens: 400, AudioOutputTokens: 200);

        // 600 text in * 0.0000025 = 0.0015; 400 audio in * 0.00004 = 0.016; 300 text out * 0.00001 = 0.003;
        // 200 audio out * 0.00008 = 0.016.
        Assert.That(PriceOf("gpt-4o-audio-preview").CostOf(usage), Is.EqualTo(0.0365m));
    }

    [Test]
    public void CostOf_AudioCountsAboveTheirTotals_AreCappedAtTheTotals()
    {
        var usage = new TokenUsage(InputTokens: 100, OutputTokens: 50, AudioInputTokens: 300, AudioOutputTokens: 80);

        // audio in capped at the 100 prompt tokens * 0.00004 = 0.004; audio out capped at 50 * 0.00008 = 0.004.
        Assert.That(PriceOf("gpt-4o-audio-preview").CostOf(usage), Is.EqualTo(0.008m));
    }

    [Test]
    public void CostOf_AudioWithCachedPromptAndReasoning_AudioComesOutOfTheUncachedAndPlainParts()
    {
        ModelPrice price = PriceOf("gpt-4o-audio-preview") with { CachedInputPerToken = 0.000001m, ReasoningPerToken = 0.00002m };
        var usage = new TokenUsage(
            InputTokens: 1_000, OutputTokens: 500, CachedInputTokens: 800, ReasoningTokens: 450, AudioInputTokens: 500, AudioOutputTokens: 100);

        // uncached = 200, all of it audio (min(500, 200)) * 0.00004 = 0.008; 800 cached * 0.000001 = 0.0008;
        // plain output = 50, all audio (min(100, 50)) * 0.00008 = 0.004; 450 reasoning * 0.00002 = 0.009.
        Assert.That(price.CostOf(usage), Is.EqualTo(0.0218m));
    }

    [Test]
    public void CostOf_NegativeAudioAndServerToolCounts_CountAsZero()
    {
        var usage = new TokenUsage(InputTokens: 10, OutputTokens: 10, AudioInputTokens: -5, AudioOutputTokens: -5, ServerToolUses: -2,
            CacheCreationOneHourInputTokens: -3);

        // 10 * 0.0000025 + 10 * 0.00001 = 0.000125; no audio, no negative searches.
        Assert.That(PriceOf("gpt-4o-search-preview").CostOf(usage), Is.EqualTo(0.000125m));
        Assert.That(PriceOf("gpt-4o-audio-preview").CostOf(usage), Is.EqualTo(0.000125m));
    }

    // claude-opus-4-1: input 1.5e-05, cache write 1.875e-05, one-hour cache write 3e-05.
    [Test]
    public void CostOf_OneHourCacheWrites_ArePricedAtTheOneHourRate()
    {
        var usage = new TokenUsage(InputTokens: 10_000, OutputTokens: 0, CacheCreationInputTokens: 4_000, CacheCreationOneHourInputTokens: 1_000);

        // 6,000 uncached * 0.000015 = 0.09; 3,000 five-minute writes * 0.00001875 = 0.05625; 1,000 one-hour * 0.00003 = 0.03.
        Assert.That(PriceOf("claude-opus-4-1").CostOf(usage), Is.EqualTo(0.17625m));
    }

    [Test]
    public void CostOf_OneHourWritesAboveAllWrites_AreCappedAtTheWrites()
    {
        var usage = new TokenUsage(InputTokens: 10_000, OutputTokens: 0, CacheCreationInputTokens: 4_000, CacheCreationOneHourInputTokens: 5_000);

        // 6,000 uncached * 0.000015 = 0.09; the 4,000 writes all one-hour * 0.00003 = 0.12.
        Assert.That(PriceOf("claude-opus-4-1").CostOf(usage), Is.EqualTo(0.21m));
    }

    [Test]
    public void CostOf_NoOneHourRate_OneHourWritesCostTheCacheWriteRateThenTheInputRate()
    {
        var withWrite = new ModelPrice { InputPerToken = 0.000001m, OutputPerToken = 0.000002m, CacheWritePerToken = 0.000003m };
        var bare = new ModelPrice { InputPerToken = 0.000001m, OutputPerToken = 0.000002m };
        var usage = new TokenUsage(InputTokens: 1_000, OutputTokens: 0, CacheCreationInputTokens: 1_000, CacheCreationOneHourInputTokens: 1_000);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(withWrite.CostOf(usage), Is.EqualTo(0.003m));
            Assert.That(bare.CostOf(usage), Is.EqualTo(0.001m));
        }
    }

    // gpt-4o-search-preview: search_context_cost_per_query low 0.03, medium 0.035, high 0.05; input 2.5e-06, output 1e-05.
    [TestCase("low", "0.09")]
    [TestCase("medium", "0.105")]
    [TestCase(null, "0.105")]
    [TestCase("high", "0.15")]
    public void CostOf_WebSearches_ArePricedPerQueryAtTheRequestedContextSize(string? size, string searches)
    {
        var usage = new TokenUsage(InputTokens: 1_000, OutputTokens: 100, ServerToolUses: 3);

        // 1,000 * 0.0000025 = 0.0025; 100 * 0.00001 = 0.001; plus three searches.
        decimal expected = 0.0035m + decimal.Parse(searches, System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(PriceOf("gpt-4o-search-preview").CostOf(usage, size), Is.EqualTo(expected));
    }

    [Test]
    public void CostOf_WebSearchesWithoutContextSize_ArePricedAtTheDearestSize()
    {
        ModelPrice price = PriceOf("gpt-4o-search-preview");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(price.WebSearchPerQuery, Is.EqualTo(0.05m));
            // 3 searches * 0.05 = 0.15, nothing else.
            Assert.That(price.CostOf(new TokenUsage(0, 0, ServerToolUses: 3)), Is.EqualTo(0.15m));
        }
    }

    [Test]
    public void CostOf_ServerToolUsesOnAModelWithoutASearchPrice_CostNothingExtra()
    {
        // gpt-4o: 100 * 0.0000025 = 0.00025.
        Assert.That(PriceOf("gpt-4o").CostOf(new TokenUsage(100, 0, ServerToolUses: 4)), Is.EqualTo(0.00025m));
    }

    [Test]
    public void WebSearchPerQueryAt_SizeWithoutItsOwnPrice_FallsBackToTheGeneralPrice()
    {
        var general = new ModelPrice { InputPerToken = 0.000001m, OutputPerToken = 0.000002m, WebSearchPerQuery = 0.01m };
        ModelPrice sized = general with { WebSearchLowContextPerQuery = 0.002m, WebSearchMediumContextPerQuery = 0.004m, WebSearchHighContextPerQuery = 0.008m };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(general.WebSearchPerQueryAt("low"), Is.EqualTo(0.01m));
            Assert.That(general.WebSearchPerQueryAt("medium"), Is.EqualTo(0.01m));
            Assert.That(general.WebSearchPerQueryAt("high"), Is.EqualTo(0.01m));
            Assert.That(general.WebSearchPerQueryAt(null), Is.EqualTo(0.01m));
            Assert.That(sized.WebSearchPerQueryAt("low"), Is.EqualTo(0.002m));
            Assert.That(sized.WebSearchPerQueryAt("medium"), Is.EqualTo(0.004m));
            Assert.That(sized.WebSearchPerQueryAt("high"), Is.EqualTo(0.008m));
            Assert.That(sized.WebSearchPerQueryAt(null), Is.EqualTo(0.004m));
            Assert.That(new ModelPrice { InputPerToken = 0m, OutputPerToken = 0m }.WebSearchPerQueryAt("high"), Is.Null);
        }
    }

    private static ModelPrice PriceOf(string model)
    {
        Assert.That(Shipped.TryGetPrice(model, out ModelPrice? price), Is.True, model);
        return price!;
    }
}
