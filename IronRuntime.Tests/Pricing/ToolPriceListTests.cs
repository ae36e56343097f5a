using IronRuntime.Pricing.Internal;

namespace IronRuntime.Tests.Pricing;

public sealed class ToolPriceListTests
{
    [TestCase("web_search_20250305", "web_search")]
    [TestCase("code_execution_20250825", "code_execution")]
    [TestCase("web_search_preview_2025_03_11", "web_search_preview")]
    [TestCase("web_search_preview", "web_search_preview")]
    [TestCase("file_search", "file_search")]
    [TestCase("tool_2025", "tool_2025")]
    public void Kind_DropsTheProvidersDateSuffix(string type, string kind)
        => Assert.That(ToolPriceList.Kind(type), Is.EqualTo(kind));

    [Test]
    public void PerUse_ModelThenReasoningThenPlainKey()
    {
        var list = new ToolPriceList(new Dictionary<string, decimal> { ["web_search_preview@gpt-4.1-mini"] = 0.02m });
        Assert.Multiple(() =>
        {
            Assert.That(list.PerUse("web_search_preview", "gpt-4.1-mini"), Is.EqualTo(0.02m), "the user's price for that model");
            Assert.That(list.PerUse("web_search_preview", "gpt-4.1"), Is.EqualTo(0.025m), "$25 / 1k on non-reasoning models");
            Assert.That(list.PerUse("web_search_preview", "o4-mini"), Is.EqualTo(0.01m), "$10 / 1k on reasoning models");
            Assert.That(list.PerUse("web_search_preview", "gpt-5"), Is.EqualTo(0.01m));
            Assert.That(list.PerUse("deep_research_preview", "gpt-4.1"), Is.Null);
        });
    }

    [Test]
    public void PerUse_OfAProviderPrefixedReasoningModel_IsTheReasoningPrice()
    {
        // One definition of "reasoning model" (the Router's LlmModels.IsReasoningModel) for the budget's tool prices and
        // the router's hidden-reasoning charge: "openai/o4-mini" is o4-mini for both. Prices: OpenAI web_search_preview,
        // $10 / 1k calls on reasoning models, $25 / 1k on the others.
        var list = new ToolPriceList(new Dictionary<string, decimal>());
        Assert.Multiple(() =>
        {
            Assert.That(list.PerUse("web_search_preview", "openai/o4-mini"), Is.EqualTo(0.01m));
            Assert.That(list.PerUse("web_search_preview", "openai/gpt-5-mini"), Is.EqualTo(0.01m));
            Assert.That(list.PerUse("web_search_preview", "openai/gpt-4.1"), Is.EqualTo(0.025m));
        });
    }

    [Test]
    public void MostPerUse_OfImageGeneration_IsTheDearestImage_EvenAUsersDearerOne()
    {
        var list = new ToolPriceList(new Dictionary<string, decimal> { ["image_generation.high.1536x1536"] = 0.40m });
        Assert.Multiple(() =>
        {
            Assert.That(new ToolPriceList(new Dictionary<string, decimal>()).MostPerUse("image_generation", "gpt-4.1"), Is.EqualTo(0.25m));
            Assert.That(list.MostPerUse("image_generation", "gpt-4.1"), Is.EqualTo(0.40m));
            Assert.That(list.ReportedUse("image_generation.medium.1024x1536", "gpt-4.1"), Is.EqualTo(0.063m));
            Assert.That(list.ReportedUse("image_generation.medium.2048x2048", "gpt-4.1"), Is.EqualTo(0.25m), "a size without a price: the dearest");
        });
    }
}
