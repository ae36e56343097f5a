using IronRuntime.Pricing;
using IronRuntime.Router;

namespace IronRuntime.Tests.Pricing;

public sealed class ModelPriceTests
{
    // o4-mini in the shipped table: input 1.1e-06, cache read 2.75e-07, output 4.4e-06.
    private static readonly ModelPrice O4Mini = new()
    {
        InputPerToken = 0.0000011m,
        OutputPerToken = 0.0000044m,
        CachedInputPerToken = 0.000000275m,
    };

    // claude-sonnet-4-5 in the shipped table: input 3e-06, cache read 3e-07, cache write 3.75e-06, output 1.5e-05.
    private static readonly ModelPrice ClaudeSonnet45 = new()
    {
        InputPerToken = 0.000003m,
        OutputPerToken = 0.000015m,
        CachedInputPerToken = 0.0000003m,
        CacheWritePerToken = 0.00000375m,
    };

    [Test]
    public void CostOf_OpenAiUsageWithCachedAndReasoningTokens_PricesEachPartAtItsRate()
    {
        var usage = new TokenUsage(InputTokens: 10_000, OutputTokens: 3_000, CachedInputTokens: 4_000, ReasoningTokens: 2_000);

        // 6,000 uncached * 0.0000011 = 0.0066; 4,000 cached * 0.000000275 = 0.0011;
        // 1,000 output * 0.0000044 = 0.0044; 2,000 reasoning at the output rate * 0.0000044 = 0.0088.
        Assert.That(O4Mini.CostOf(usage), Is.EqualTo(0.0209m));
    }

    [Test]
    public void CostOf_AnthropicUsageWithCacheReadAndCreation_PricesEachPartAtItsRate()
    {
        var usage = new TokenUsage(InputTokens: 26_000, OutputTokens: 800, CachedInputTokens: 20_000, CacheCreationInputTokens: 5_000);

        // 1,000 uncached * 0.000003 = 0.003; 20,000 cached * 0.0000003 = 0.006;
        // 5,000 written * 0.00000375 = 0.01875; 800 output * 0.000015 = 0.012.
        Assert.That(ClaudeSonnet45.CostOf(usage), Is.EqualTo(0.03975m));
    }

    [Test]
    public void CostOf_ReasoningRateSet_PricesReasoningTokensAtIt()
    {
        ModelPrice price = O4Mini with { ReasoningPerToken = 0.00001m };
        var usage = new TokenUsage(InputTokens: 0, OutputTokens: 300, ReasoningTokens: 200);

        // 100 output * 0.0000044 = 0.00044; 200 reasoning * 0.00001 = 0.002.
        Assert.That(price.CostOf(usage), Is.EqualTo(0.00244m));
    }

    [Test]
    public void CostOf_OptionalRatesAbsent_FallBackToBaseRates()
    {
        var price = new ModelPrice { InputPerToken = 0.000002m, OutputPerToken = 0.000008m };
        var usage = new TokenUsage(InputTokens: 1_000, OutputTokens: 500, CachedInputTokens: 300, CacheCreationInputTokens: 200, ReasoningTokens: 400);

        // Every prompt token at 0.000002 and every output token at 0.000008: 0.002 + 0.004.
        Assert.That(price.CostOf(usage), Is.EqualTo(0.006m));
    }

    [Test]
    public void CostOf_SubsetsLargerThanTotals_ClampsTheRemainderToZero()
    {
        var usage = new TokenUsage(InputTokens: 100, OutputTokens: 10, CachedInputTokens: 150, ReasoningTokens: 20);

        // No uncached input and no plain output left: 150 cached * 0.000000275 + 20 reasoning * 0.0000044.
        Assert.That(O4Mini.CostOf(usage), Is.EqualTo(0.00004125m + 0.000088m));
    }

    [Test]
    public void CostOf_NegativeCounts_CountAsZero()
    {
        var usage = new TokenUsage(InputTokens: -100, OutputTokens: 10, CachedInputTokens: -5, CacheCreationInputTokens: -5, ReasoningTokens: -3);

        Assert.That(ClaudeSonnet45.CostOf(usage), Is.EqualTo(0.00015m));
    }

    [Test]
    public void CostOf_EmptyUsage_IsZero()
    {
        Assert.That(ClaudeSonnet45.CostOf(default), Is.Zero);
    }

    [Test]
    public void CostOf_OneToken_IsExactlyThePerTokenPrice()
    {
        var price = new ModelPrice { InputPerToken = 0.00000005m, OutputPerToken = 0.0000004m };

        Assert.That(price.CostOf(new TokenUsage(1, 1)), Is.EqualTo(0.00000045m));
    }

    [Test]
    public void WorstCaseCost_CacheWriteDearerThanInput_UsesCacheWriteRate()
    {
        // 10,000 * 0.00000375 = 0.0375; 4,096 * 0.000015 = 0.06144.
        Assert.That(ClaudeSonnet45.WorstCaseCost(10_000, 4_096), Is.EqualTo(0.09894m));
    }

    [Test]
    public void WorstCaseCost_NoCacheWriteOrReasoningRate_UsesBaseRates()
    {
        var gpt4o = new ModelPrice { InputPerToken = 0.0000025m, OutputPerToken = 0.00001m, CachedInputPerToken = 0.00000125m };

        // 10,000 * 0.0000025 = 0.025; 1,000 * 0.00001 = 0.01.
        Assert.That(gpt4o.WorstCaseCost(10_000, 1_000), Is.EqualTo(0.035m));
    }

    [Test]
    public void WorstCaseCost_ReasoningDearerThanOutput_UsesReasoningRate()
    {
        ModelPrice price = O4Mini with { ReasoningPerToken = 0.00001m };

        // 1,000 * 0.0000011 = 0.0011; 1,000 * 0.00001 = 0.01.
        Assert.That(price.WorstCaseCost(1_000, 1_000), Is.EqualTo(0.0111m));
    }

    [Test]
    public void WorstCaseCost_CheaperOptionalRates_UsesBaseRates()
    {
        ModelPrice price = O4Mini with { CacheWritePerToken = 0.0000001m, ReasoningPerToken = 0.000001m };

        Assert.That(price.WorstCaseCost(1_000, 1_000), Is.EqualTo(0.0011m + 0.0044m));
    }

    [TestCase(-1, 0)]
    [TestCase(0, -1)]
    public void WorstCaseCost_NegativeCount_Throws(long inputTokens, long maxOutputTokens)
    {
        Assert.That(() => O4Mini.WorstCaseCost(inputTokens, maxOutputTokens), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void WorstCaseCost_IsAtLeastCostOfAnyUsageWithinTheBounds()
    {
        var usage = new TokenUsage(InputTokens: 2_000, OutputTokens: 500, CachedInputTokens: 500, CacheCreationInputTokens: 1_000, ReasoningTokens: 400);

        Assert.That(ClaudeSonnet45.WorstCaseCost(2_000, 500), Is.GreaterThanOrEqualTo(ClaudeSonnet45.CostOf(usage)));
    }
}
