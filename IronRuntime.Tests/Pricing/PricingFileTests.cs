using IronRuntime.Pricing;
using IronRuntime.Router;

namespace IronRuntime.Tests.Pricing;

/// <summary>
/// A user's pricing file in LiteLLM's <c>model_prices_and_context_window.json</c> format, with the fields beyond
/// input and output (tiers, long-context rates, audio, one-hour cache writes, web search sizes, token limits). The
/// shipped table is read once per process, so reading these fields is tested on files, with hand-written prices.
/// </summary>
public sealed class PricingFileTests
{
    private static readonly PricingTable Shipped = PricingTable.Create();

    private string _directory = string.Empty;

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "IronRuntime.PricingFileTests." + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void PricingFile_AllOptionalRates_AreRead()
    {
        ModelPrice price = Read("""
            {"m": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06,
                   "cache_creation_input_token_cost": 1.25e-06, "cache_creation_input_token_cost_above_1hr": 2e-06,
                   "input_cost_per_audio_token": 3e-05, "output_cost_per_audio_token": 6e-05,
                   "search_context_cost_per_query": {"search_context_size_low": 0.03, "search_context_size_high": 0.05, "search_context_size_medium": 0.035}}}
            """);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(price.CacheWritePerToken, Is.EqualTo(0.00000125m));
            Assert.That(price.CacheWriteOneHourPerToken, Is.EqualTo(0.000002m));
            Assert.That(price.InputAudioPerToken, Is.EqualTo(0.00003m));
            Assert.That(price.OutputAudioPerToken, Is.EqualTo(0.00006m));
            Assert.That(price.WebSearchLowContextPerQuery, Is.EqualTo(0.03m));
            Assert.That(price.WebSearchMediumContextPerQuery, Is.EqualTo(0.035m));
            Assert.That(price.WebSearchHighContextPerQuery, Is.EqualTo(0.05m));
            Assert.That(price.WebSearchPerQuery, Is.EqualTo(0.05m), "the dearest size, wherever it stands in the object");
            Assert.That(price.LongContext, Is.Null);
            Assert.That(price.Priority, Is.Null);
            Assert.That(price.Flex, Is.Null);
        }
    }

    [TestCase("""{"search_context_size_high": 0.05, "search_context_size_low": 0.03, "search_context_size_medium": 0.035}""")]
    [TestCase("""{"search_context_size_low": 0.03, "search_context_size_medium": 0.035, "search_context_size_high": 0.05}""")]
    [TestCase("""{"search_context_size_medium": 0.035, "search_context_size_high": 0.05, "search_context_size_low": null}""")]
    public void PricingFile_SearchPrices_DearestIsTheHighestWhateverTheOrder(string perQuery)
    {
        ModelPrice price = Read("""{"m": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06, "search_context_cost_per_query": """ + perQuery + "}}");

        Assert.That(price.WebSearchPerQuery, Is.EqualTo(0.05m));
    }

    [TestCase("0.01")]
    [TestCase("null")]
    [TestCase("[0.01]")]
    public void PricingFile_SearchPricesNotAnObject_AreIgnored(string perQuery)
    {
        ModelPrice price = Read("""{"m": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06, "search_context_cost_per_query": """ + perQuery + "}}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(price.WebSearchPerQuery, Is.Null);
            Assert.That(price.WebSearchLowContextPerQuery, Is.Null);
        }
    }

    [Test]
    public void PricingFile_PriorityAndFlexTiers_AreReadWithTheBaseRatesForWhatTheyDoNotSet()
    {
        ModelPrice price = Read("""
            {"m": {"input_cost_per_token": 1e-06, "output_cost_per_token": 4e-06, "cache_read_input_token_cost": 1e-07, "cache_creation_input_token_cost": 1.25e-06,
                   "input_cost_per_token_priority": 2e-06,
                   "output_cost_per_token_flex": 2e-06, "cache_read_input_token_cost_flex": 5e-08, "cache_creation_input_token_cost_flex": 6e-07}}
            """);

        using (Assert.EnterMultipleScope())
        {
            // priority sets only the input rate: output, cache read and cache write are the base ones.
            Assert.That(price.Priority, Is.EqualTo(price with { InputPerToken = 0.000002m, Priority = null, Flex = null }));
            // flex sets output and both cache rates; input is the base one.
            Assert.That(price.Flex, Is.EqualTo(price with
            {
                OutputPerToken = 0.000002m, CachedInputPerToken = 0.00000005m, CacheWritePerToken = 0.0000006m, Priority = null, Flex = null,
            }));
        }
    }

    [Test]
    public void PricingFile_TierWithOnlyCacheRates_IsNoTier()
    {
        ModelPrice price = Read("""
            {"m": {"input_cost_per_token": 1e-06, "output_cost_per_token": 4e-06, "cache_read_input_token_cost_priority": 2e-07}}
            """);

        Assert.That(price.Priority, Is.Null, "a tier needs its own input or output rate");
    }

    [Test]
    public void PricingFile_LongContextRates_AreReadWithTheirThreshold()
    {
        ModelPrice price = Read("""
            {"m": {"input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05, "cache_read_input_token_cost": 3e-07,
                   "cache_creation_input_token_cost": 3.75e-06, "cache_creation_input_token_cost_above_1hr": 6e-06,
                   "input_cost_per_token_above_200k_tokens": 6e-06, "cache_creation_input_token_cost_above_200k_tokens": 7.5e-06}}
            """);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(price.LongContextThreshold, Is.EqualTo(200_000));
            Assert.That(price.LongContext?.InputPerToken, Is.EqualTo(0.000006m));
            Assert.That(price.LongContext?.OutputPerToken, Is.EqualTo(0.000015m), "no long-context output rate: the base one");
            Assert.That(price.LongContext?.CachedInputPerToken, Is.EqualTo(0.0000003m), "no long-context cache read rate: the base one");
            Assert.That(price.LongContext?.CacheWritePerToken, Is.EqualTo(0.0000075m));
            Assert.That(price.LongContext?.CacheWriteOneHourPerToken, Is.EqualTo(0.000006m), "no long-context one-hour rate: the base one");
        }
    }

    [Test]
    public void PricingFile_LongContextOneHourRate_IsRead()
    {
        ModelPrice price = Read("""
            {"m": {"input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05, "cache_creation_input_token_cost_above_1hr": 6e-06,
                   "output_cost_per_token_above_272k_tokens": 2.25e-05, "cache_creation_input_token_cost_above_1hr_above_272k_tokens": 1.2e-05}}
            """);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(price.LongContextThreshold, Is.EqualTo(272_000));
            Assert.That(price.LongContext?.InputPerToken, Is.EqualTo(0.000003m));
            Assert.That(price.LongContext?.OutputPerToken, Is.EqualTo(0.0000225m));
            Assert.That(price.LongContext?.CacheWriteOneHourPerToken, Is.EqualTo(0.000012m));
        }
    }

    [Test]
    public void PricingFile_BothLongContextThresholds_TheLowerOneWins()
    {
        ModelPrice price = Read("""
            {"m": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06,
                   "input_cost_per_token_above_272k_tokens": 3e-06, "input_cost_per_token_above_200k_tokens": 2e-06}}
            """);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(price.LongContextThreshold, Is.EqualTo(200_000));
            Assert.That(price.LongContext?.InputPerToken, Is.EqualTo(0.000002m));
        }
    }

    [Test]
    public void PricingFile_LongContextPrompt_IsPricedAtTheFilesLongContextRates()
    {
        ModelPrice price = Read("""
            {"m": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06, "input_cost_per_token_above_200k_tokens": 2e-06, "output_cost_per_token_above_200k_tokens": 4e-06}}
            """);

        // 250,000 * 0.000002 = 0.5; 1,000 * 0.000004 = 0.004.
        Assert.That(price.CostOf(new TokenUsage(250_000, 1_000)), Is.EqualTo(0.504m));
    }

    [TestCase("\"max_output_tokens\": 100, \"max_tokens\": 200", 100L)]
    [TestCase("\"max_tokens\": 200", 200L)]
    [TestCase("\"max_output_tokens\": 0, \"max_tokens\": 200", 200L)]
    [TestCase("\"max_output_tokens\": \"100\", \"max_tokens\": 200", 200L)]
    [TestCase("\"max_output_tokens\": 1.5", null)]
    [TestCase("\"max_output_tokens\": 0", null)]
    [TestCase("\"note\": 0", null)]
    public void PricingFile_OutputLimit_IsMaxOutputTokensThenMaxTokens(string limits, long? expected)
    {
        ModelPrice price = Read("""{"m": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06, """ + limits + "}}");

        Assert.That(price.MaxOutputTokens, Is.EqualTo(expected));
    }

    [TestCase("0", null)]
    [TestCase("-5", null)]
    [TestCase("1", 1L)]
    [TestCase("128000", 128_000L)]
    public void PricingFile_InputLimit_IsAPositiveWholeNumber(string value, long? expected)
    {
        ModelPrice price = Read("""{"m": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06, "max_input_tokens": """ + value + "}}");

        Assert.That(price.MaxInputTokens, Is.EqualTo(expected));
    }

    [TestCase("5")]
    [TestCase("null")]
    [TestCase("{\"name\":\"openai\"}")]
    public void PricingFile_ProviderNotAString_IsNull(string provider)
    {
        ModelPrice price = Read("""{"m": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06, "litellm_provider": """ + provider + "}}");

        Assert.That(price.Provider, Is.Null);
    }

    [Test]
    public void PricingFile_TrailingCommasAndComments_AreAccepted()
    {
        ModelPrice price = Read("""
            {
              // a local model
              "m": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06, /* per token */},
            }
            """);

        Assert.That(price.OutputPerToken, Is.EqualTo(0.000002m));
    }

    [Test]
    public void PricingFile_MalformedJson_NamesTheLineAndByteOneBased()
    {
        // Line 2 is two spaces then 'x', which cannot start a member name: line 2, byte 3.
        string file = WriteFile("{\n  x: 1\n}\n");

        Assert.That(
            () => PricingTable.Create(new PricingOptions { PricingFile = file, IncludeShippedTable = false }),
            Throws.InvalidOperationException
                .With.Message.Contains(" at line 2, byte 3: ")
                .And.Message.Not.Contains("LineNumber")
                .And.Message.Not.Contains("BytePositionInLine"));
    }

    [Test]
    public void PricingFile_Unreadable_SaysItCannotBeRead()
    {
        string file = Path.Combine(_directory, "missing.json");

        Assert.That(
            () => PricingTable.Create(new PricingOptions { PricingFile = file, IncludeShippedTable = false }),
            Throws.InvalidOperationException.With.Message.StartsWith($"The pricing file '{file}' cannot be read: ")
                .And.InnerException.InstanceOf<FileNotFoundException>());
    }

    [Test]
    public void Overrides_NullPrice_ThrowsNamingTheModel()
    {
        var options = new PricingOptions { IncludeShippedTable = false };
        options.Overrides["my-model"] = null!;

        Assert.That(
            () => PricingTable.Create(options),
            Throws.InvalidOperationException.With.Message.EqualTo("The pricing override for model 'my-model' is null."));
    }

    // The fallback ids: a trailing date must be a date, -YYYY-MM-DD with dashes where they belong, digits, a month 1-12, a day 1-31.
    [TestCase("gpt-4o-2024-01x01")]
    [TestCase("gpt-4oX2024-01-01")]
    [TestCase("gpt-4o-2024x01-01")]
    [TestCase("gpt-4o-20x4-01-01")]
    [TestCase("gpt-4o-2024-1/-01")]
    [TestCase("gpt-4o-2024-01-1/")]
    [TestCase("gpt-4o-2024-01-00")]
    [TestCase("gpt-4o-2024-01-32")]
    [TestCase("gpt-4o-2024-00-10")]
    [TestCase("gpt-4o-20240132")]
    [TestCase("gpt-4o-2024011/")]
    [TestCase("gpt-4o-2x240101")]
    public void TryGetPrice_TrailingNonDate_IsNoFallback(string model)
    {
        Assert.That(Shipped.TryGetPrice(model, out _), Is.False, model);
    }

    [TestCase("gpt-4o-2024-01-31")]
    [TestCase("gpt-4o-2024-12-01")]
    [TestCase("gpt-4o-20241231")]
    public void TryGetPrice_TrailingDateAtTheEdgesOfTheCalendar_FallsBack(string model)
    {
        Assert.That(Shipped.TryGetPrice(model, out ModelPrice? price), Is.True, model);
        Assert.That(price!.InputPerToken, Is.EqualTo(0.0000025m), "gpt-4o: input_cost_per_token 2.5e-06");
    }

    private ModelPrice Read(string json)
    {
        PricingTable table = PricingTable.Create(new PricingOptions { PricingFile = WriteFile(json), IncludeShippedTable = false });
        Assert.That(table.TryGetPrice("m", out ModelPrice? price), Is.True);
        return price!;
    }

    private string WriteFile(string content)
    {
        string path = Path.Combine(_directory, "prices.json");
        File.WriteAllText(path, content);
        return path;
    }
}
