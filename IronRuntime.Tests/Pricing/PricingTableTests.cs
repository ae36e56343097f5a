using IronRuntime.Pricing;
using Microsoft.Extensions.Options;

namespace IronRuntime.Tests.Pricing;

public sealed class PricingTableTests
{
    private static readonly PricingTable Shipped = PricingTable.Create();

    private string _directory = string.Empty;

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "IronRuntime.PricingTableTests." + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    // Prices exactly as in the LiteLLM snapshot of 2026-07-24 (input, output, cache read, cache write).
    private static IEnumerable<TestCaseData> ShippedPrices()
    {
        yield return new TestCaseData("gpt-4o", 0.0000025m, 0.00001m, 0.00000125m, null, "openai");
        yield return new TestCaseData("gpt-4o-2024-08-06", 0.0000025m, 0.00001m, 0.00000125m, null, "openai");
        yield return new TestCaseData("gpt-4o-2024-05-13", 0.000005m, 0.000015m, null, null, "openai");
        yield return new TestCaseData("gpt-4o-mini", 0.00000015m, 0.0000006m, 0.000000075m, null, "openai");
        yield return new TestCaseData("gpt-4o-mini-2024-07-18", 0.00000015m, 0.0000006m, 0.000000075m, null, "openai");
        yield return new TestCaseData("gpt-4.1", 0.000002m, 0.000008m, 0.0000005m, null, "openai");
        yield return new TestCaseData("o3", 0.000002m, 0.000008m, 0.0000005m, null, "openai");
        yield return new TestCaseData("o4-mini", 0.0000011m, 0.0000044m, 0.000000275m, null, "openai");
        yield return new TestCaseData("gpt-5", 0.00000125m, 0.00001m, 0.000000125m, null, "openai");
        yield return new TestCaseData("gpt-3.5-turbo-instruct", 0.0000015m, 0.000002m, null, null, "text-completion-openai");
        yield return new TestCaseData("claude-sonnet-4-5", 0.000003m, 0.000015m, 0.0000003m, 0.00000375m, "anthropic");
        yield return new TestCaseData("claude-haiku-4-5", 0.000001m, 0.000005m, 0.0000001m, 0.00000125m, "anthropic");
        yield return new TestCaseData("claude-opus-4-1", 0.000015m, 0.000075m, 0.0000015m, 0.00001875m, "anthropic");
        yield return new TestCaseData("text-embedding-3-small", 0.00000002m, 0m, null, null, "openai");
        yield return new TestCaseData("text-embedding-3-large", 0.00000013m, 0m, null, null, "openai");
        yield return new TestCaseData("text-embedding-ada-002", 0.0000001m, 0m, null, null, "openai");
    }

    [TestCaseSource(nameof(ShippedPrices))]
    public void TryGetPrice_ShippedModel_ReturnsSourcePrices(
        string model, decimal input, decimal output, decimal? cachedInput, decimal? cacheWrite, string provider)
    {
        ModelPrice price = PriceOf(Shipped, model);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(price.InputPerToken, Is.EqualTo(input));
            Assert.That(price.OutputPerToken, Is.EqualTo(output));
            Assert.That(price.CachedInputPerToken, Is.EqualTo(cachedInput));
            Assert.That(price.CacheWritePerToken, Is.EqualTo(cacheWrite));
            Assert.That(price.ReasoningPerToken, Is.Null);
            Assert.That(price.Provider, Is.EqualTo(provider));
        }
    }

    [Test]
    public void TryGetPrice_ShippedModel_ReadsContextWindow()
    {
        ModelPrice price = PriceOf(Shipped, "gpt-4.1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(price.MaxInputTokens, Is.EqualTo(1_047_576));
            Assert.That(price.MaxOutputTokens, Is.EqualTo(32_768));
        }
    }

    [TestCase("gpt-4o-2025-01-01", "gpt-4o")]
    [TestCase("gpt-4o-mini-2099-12-31", "gpt-4o-mini")]
    [TestCase("claude-sonnet-4-5-20260101", "claude-sonnet-4-5")]
    [TestCase("o3-20250416", "o3")]
    public void TryGetPrice_UnknownDatedVariant_ReturnsUndatedModelPrice(string model, string undated)
    {
        Assert.That(PriceOf(Shipped, model), Is.EqualTo(PriceOf(Shipped, undated)));
    }

    [Test]
    public void TryGetPrice_KnownDatedVariant_ReturnsItsOwnPrice()
    {
        Assert.That(PriceOf(Shipped, "gpt-4o-2024-05-13").InputPerToken, Is.EqualTo(0.000005m));
    }

    [TestCase("openai/gpt-4o", "gpt-4o")]
    [TestCase("OpenAI/GPT-4o", "gpt-4o")]
    [TestCase("anthropic/claude-haiku-4-5", "claude-haiku-4-5")]
    [TestCase("openai/gpt-4o-mini-2030-01-02", "gpt-4o-mini")]
    [TestCase("GPT-4O-MINI", "gpt-4o-mini")]
    [TestCase("claude-sonnet-4-5-latest", "claude-sonnet-4-5")]
    [TestCase("anthropic/claude-opus-4-1-latest", "claude-opus-4-1")]
    public void TryGetPrice_IdWithFallback_ReturnsBaseModelPrice(string model, string baseModel)
    {
        Assert.That(PriceOf(Shipped, model), Is.EqualTo(PriceOf(Shipped, baseModel)));
    }

    [TestCase("gpt-9")]
    [TestCase("gpt-4o-extra")]
    [TestCase("gpt-4o-0513")]
    [TestCase("gpt-4o-2024-13-01")]
    [TestCase("openai/")]
    [TestCase("azure/gpt-4o")]
    [TestCase("ft:")]
    [TestCase("ft::org::id")]
    [TestCase("ft:gpt-4o-mini-2024-07-18:my-org::A1b2C3d4")] // fine-tuned inference costs more than the base model: no price is better than a wrong one
    [TestCase("ft:gpt-4.1-2025-04-14:my-org:custom-suffix:A1b2C3d4")]
    [TestCase("openai/ft:gpt-4o-2030-01-01:my-org::A1b2C3d4")]
    [TestCase("-latest")]
    [TestCase("")]
    [TestCase("_source")]
    [TestCase("gpt-image-1")]
    [TestCase("gpt-realtime-whisper")]
    public void TryGetPrice_UnknownOrUnpricedModel_ReturnsFalse(string model)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Shipped.TryGetPrice(model, out ModelPrice? price), Is.False);
            Assert.That(price, Is.Null);
            Assert.That(Shipped.TryGetPrice(model, out _), Is.False, "a remembered miss stays a miss");
        }
    }

    [Test]
    public void TryGetPrice_GptFourWithoutFallback_IsTheExactEntry()
    {
        // gpt-4 has its own entry; make sure no fallback shadows it.
        Assert.That(PriceOf(Shipped, "gpt-4").InputPerToken, Is.EqualTo(0.00003m));
    }

    [NonParallelizable] // allocation counts: no other test may share the thread pool or the array pools meanwhile
    [Test]
    public void TryGetPrice_RepeatedFallbackLookup_DoesNotAllocate()
    {
        PricingTable table = PricingTable.Create();
        for (int i = 0; i < 3; i++)
        {
            table.TryGetPrice("openai/gpt-4o-2025-01-01", out _);
            table.TryGetPrice("no-such-model", out _);
            table.TryGetPrice("gpt-4o", out _);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        bool dated = table.TryGetPrice("openai/gpt-4o-2025-01-01", out _);
        bool unknown = table.TryGetPrice("no-such-model", out _);
        bool exact = table.TryGetPrice("gpt-4o", out _);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(allocated, Is.Zero);
            Assert.That(dated, Is.True);
            Assert.That(unknown, Is.False);
            Assert.That(exact, Is.True);
        }
    }

    [Test]
    public void TryGetPrice_MoreFallbackIdsThanRemembered_StillResolves()
    {
        PricingTable table = PricingTable.Create();
        for (int i = 0; i < PricingTable.MaxRememberedLookups + 10; i++)
        {
            table.TryGetPrice($"made-up-model-{i}", out _);
        }

        Assert.That(PriceOf(table, "anthropic/claude-haiku-4-5-20991231").InputPerToken, Is.EqualTo(0.000001m));
    }

    [Test]
    public void TryGetPrice_NullModel_Throws()
    {
        Assert.That(() => Shipped.TryGetPrice(null!, out _), Throws.ArgumentNullException);
    }

    [Test]
    public void PricingFile_OverridesShippedPriceAndAddsModel()
    {
        string file = WriteFile("prices.json", """
            {
              "gpt-4o": { "input_cost_per_token": 2e-06, "output_cost_per_token": 8e-06, "litellm_provider": "openai" },
              "my-local-model": {
                "input_cost_per_token": 1.25e-07,
                "output_cost_per_token": 5E-7,
                "cache_read_input_token_cost": 1.25e-08,
                "cache_creation_input_token_cost": 0.00000015625,
                "output_cost_per_reasoning_token": 1e-06,
                "max_input_tokens": 32768,
                "max_tokens": 4096,
                "litellm_provider": "custom"
              }
            }
            """);

        PricingTable table = PricingTable.Create(new PricingOptions { PricingFile = file });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(PriceOf(table, "gpt-4o"), Is.EqualTo(new ModelPrice { InputPerToken = 0.000002m, OutputPerToken = 0.000008m, Provider = "openai" }));
            Assert.That(PriceOf(table, "my-local-model"), Is.EqualTo(new ModelPrice
            {
                InputPerToken = 0.000000125m,
                OutputPerToken = 0.0000005m,
                CachedInputPerToken = 0.0000000125m,
                CacheWritePerToken = 0.00000015625m,
                ReasoningPerToken = 0.000001m,
                MaxInputTokens = 32_768,
                MaxOutputTokens = 4_096,
                Provider = "custom",
            }));
            Assert.That(PriceOf(table, "gpt-4o-mini").InputPerToken, Is.EqualTo(0.00000015m), "other shipped prices stay");
            Assert.That(PriceOf(table, "gpt-4o-2099-01-01").InputPerToken, Is.EqualTo(0.000002m), "fallbacks see the override");
        }
    }

    [Test]
    public void PricingFile_ExponentFormWithMoreDigitsThanDouble_ParsesExactly()
    {
        string file = WriteFile("prices.json", """
            { "precise": { "input_cost_per_token": 1.234567890123456789e-06, "output_cost_per_token": 1.25e-06 } }
            """);

        ModelPrice price = PriceOf(PricingTable.Create(new PricingOptions { PricingFile = file }), "precise");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(price.InputPerToken, Is.EqualTo(0.000001234567890123456789m));
            Assert.That(price.OutputPerToken, Is.EqualTo(0.00000125m));
        }
    }

    [Test]
    public void PricingFile_WithLiteLlmSchemaEntries_SkipsNonModels()
    {
        string file = WriteFile("prices.json", """
            {
              "sample_spec": {
                "max_tokens": "LEGACY parameter. set to max_output_tokens if provider specifies it.",
                "input_cost_per_token": 0.0,
                "output_cost_per_token": 0.0,
                "litellm_provider": "one of https://docs.litellm.ai/docs/providers"
              },
              "_comment": "not a model",
              "image-model": { "input_cost_per_token": 5e-06, "output_cost_per_image": 0.04 },
              "odd-limits": { "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06, "max_tokens": "8k", "max_input_tokens": 1.5 }
            }
            """);

        PricingTable table = PricingTable.Create(new PricingOptions { PricingFile = file, IncludeShippedTable = false });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(table.Count, Is.EqualTo(1));
            Assert.That(table.TryGetPrice("sample_spec", out _), Is.False);
            Assert.That(table.TryGetPrice("image-model", out _), Is.False);
            Assert.That(PriceOf(table, "odd-limits").MaxOutputTokens, Is.Null);
            Assert.That(PriceOf(table, "odd-limits").MaxInputTokens, Is.Null);
        }
    }

    [Test]
    public void PricingFile_WithoutShippedTable_HasOnlyFilePrices()
    {
        string file = WriteFile("prices.json", """{ "mine": { "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06 } }""");

        PricingTable table = PricingTable.Create(new PricingOptions { PricingFile = file, IncludeShippedTable = false });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(table.TryGetPrice("mine", out _), Is.True);
            Assert.That(table.TryGetPrice("gpt-4o", out _), Is.False);
        }
    }

    [Test]
    public void Overrides_WinOverPricingFileAndShippedTable()
    {
        string file = WriteFile("prices.json", """{ "gpt-4o": { "input_cost_per_token": 2e-06, "output_cost_per_token": 8e-06 } }""");
        var mine = new ModelPrice { InputPerToken = 0.000001m, OutputPerToken = 0.000004m };
        var options = new PricingOptions { PricingFile = file };
        options.Overrides["GPT-4o"] = mine;
        options.Overrides["claude-haiku-4-5"] = mine;

        PricingTable table = PricingTable.Create(options);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(PriceOf(table, "gpt-4o"), Is.SameAs(mine));
            Assert.That(PriceOf(table, "anthropic/claude-haiku-4-5"), Is.SameAs(mine));
        }
    }

    [Test]
    public void Overrides_FineTunePriceKeyedLikeLiteLlm_WinsOverBaseModel()
    {
        var fineTuned = new ModelPrice { InputPerToken = 0.0000003m, OutputPerToken = 0.0000012m };
        var options = new PricingOptions();
        options.Overrides["ft:gpt-4o-mini-2024-07-18"] = fineTuned;

        PricingTable table = PricingTable.Create(options);

        Assert.That(PriceOf(table, "ft:gpt-4o-mini-2024-07-18:my-org::A1b2C3d4"), Is.SameAs(fineTuned));
    }

    [Test]
    public void Constructor_WithOptions_UsesThem()
    {
        var options = new PricingOptions { IncludeShippedTable = false };
        options.Overrides["only"] = new ModelPrice { InputPerToken = 1m, OutputPerToken = 2m };

        var table = new PricingTable(Options.Create(options));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(table.Count, Is.EqualTo(1));
            Assert.That(table.TryGetPrice("only", out _), Is.True);
        }
    }

    [Test]
    public void PricingFile_MalformedJson_ThrowsNamingFileAndLine()
    {
        string file = WriteFile("broken.json", "{\n  \"gpt-4o\": {\n    \"input_cost_per_token\": 2e-06\n    \"output_cost_per_token\": 8e-06\n  }\n}\n");

        Assert.That(
            () => PricingTable.Create(new PricingOptions { PricingFile = file }),
            Throws.InvalidOperationException.With.Message.Contains(file).And.Message.Contains("line 4"));
    }

    [TestCase("\"cheap\"")]
    [TestCase("-1e-06")]
    [TestCase("true")]
    [TestCase("1e40")]
    public void PricingFile_InvalidPrice_ThrowsNamingFileAndPath(string value)
    {
        string file = WriteFile("prices.json", $$"""{ "gpt-4o": { "input_cost_per_token": 2e-06, "output_cost_per_token": {{value}} } }""");

        Assert.That(
            () => PricingTable.Create(new PricingOptions { PricingFile = file }),
            Throws.InvalidOperationException.With.Message.Contains(file).And.Message.Contains("$['gpt-4o'].output_cost_per_token"));
    }

    [Test]
    public void PricingFile_RootNotAnObject_ThrowsNamingFile()
    {
        string file = WriteFile("prices.json", "[]");

        Assert.That(
            () => PricingTable.Create(new PricingOptions { PricingFile = file }),
            Throws.InvalidOperationException.With.Message.Contains(file));
    }

    [Test]
    public void PricingFile_Missing_ThrowsNamingFile()
    {
        string file = Path.Combine(_directory, "missing.json");

        Assert.That(
            () => PricingTable.Create(new PricingOptions { PricingFile = file }),
            Throws.InvalidOperationException.With.Message.Contains(file));
    }

    [TestCase("low", "0.03")]
    [TestCase("medium", "0.035")]
    [TestCase(null, "0.035")]
    [TestCase("high", "0.05")]
    public void WebSearchPerQueryAt_ShippedSearchModel_IsTheTablesPriceForTheContextSize(string? size, string expected)
    {
        // model_prices.json, gpt-4o-search-preview: search_context_cost_per_query low 0.03, medium 0.035, high 0.05.
        ModelPrice price = PriceOf(Shipped, "gpt-4o-search-preview");

        Assert.Multiple(() =>
        {
            Assert.That(price.WebSearchPerQueryAt(size), Is.EqualTo(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(price.WebSearchPerQuery, Is.EqualTo(0.05m), "the dearest, for reservations");
        });
    }

    private static ModelPrice PriceOf(PricingTable table, string model)
    {
        Assert.That(table.TryGetPrice(model, out ModelPrice? price), Is.True, $"no price for {model}");
        return price ?? throw new AssertionException("unreachable");
    }

    private string WriteFile(string name, string content)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
