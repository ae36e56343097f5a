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

    [Test]
    public void ContainerPrice_IsThePriceOfTheMemoryLimit_TheDearestForAnExistingContainer()
    {
        // OpenAI code interpreter per container: 1 GB $0.03, 4 GB $0.12, 16 GB $0.48, 64 GB $1.92.
        var shipped = new ToolPriceList(new Dictionary<string, decimal>());
        var user = new ToolPriceList(new Dictionary<string, decimal> { ["code_interpreter.128g"] = 3.84m, ["code_interpreter.4g@gpt-4.1"] = 0.2m });
        Assert.Multiple(() =>
        {
            Assert.That(shipped.ContainerPrice(Tool(null), "gpt-4.1"), Is.EqualTo(0.03m));
            Assert.That(shipped.ContainerPrice(Tool("1g"), "gpt-4.1"), Is.EqualTo(0.03m));
            Assert.That(shipped.ContainerPrice(Tool("4g"), "gpt-4.1"), Is.EqualTo(0.12m));
            Assert.That(shipped.ContainerPrice(Tool("16g"), "gpt-4.1"), Is.EqualTo(0.48m));
            Assert.That(shipped.ContainerPrice(Tool("64g"), "gpt-4.1"), Is.EqualTo(1.92m));
            Assert.That(shipped.ContainerPrice(Tool("128g"), "gpt-4.1"), Is.Null, "a size without a price");
            Assert.That(user.ContainerPrice(Tool("4g@gpt-4.1"), "gpt-5"), Is.Null, "not a memory limit, though a key of that name has a price");
            Assert.That(shipped.ContainerPrice(Tool(null) with { UsesExistingContainer = true }, "gpt-4.1"), Is.EqualTo(1.92m));
            Assert.That(user.ContainerPrice(Tool("128g"), "gpt-4.1"), Is.EqualTo(3.84m));
            Assert.That(user.ContainerPrice(Tool("4g"), "gpt-4.1"), Is.EqualTo(0.2m), "the user's price for that model");
            Assert.That(user.ContainerPrice(Tool("4g"), "gpt-5"), Is.EqualTo(0.12m));
            Assert.That(user.ContainerPrice(Tool(null) with { UsesExistingContainer = true }, "gpt-4.1"), Is.EqualTo(3.84m), "the user's dearer size");
        });
    }

    private static IronRuntime.Router.LlmServerTool Tool(string? memoryLimit)
        => new("code_interpreter", null, "tools[0]") { ContainerMemoryLimit = memoryLimit };
}
