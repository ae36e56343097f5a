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
    [TestCase("_20250305", "_20250305")]                 // nothing before the date: not a suffix
    [TestCase("text_editor-20250124", "text_editor-20250124")] // no underscore before the date
    [TestCase("text_editor_2025012x", "text_editor_2025012x")] // not all digits
    [TestCase("_2025_03_11", "_2025_03_11")]
    [TestCase("tool-2025_03_11", "tool-2025_03_11")]
    [TestCase("tool_2O25_03_11", "tool_2O25_03_11")]
    [TestCase("tool_2025-03_11", "tool_2025-03_11")]
    [TestCase("tool_2025_O3_11", "tool_2025_O3_11")]
    [TestCase("tool_2025_03-11", "tool_2025_03-11")]
    [TestCase("tool_2025_03_1l", "tool_2025_03_1l")]
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

    [Test]
    public void ChargedPerCall_OnlyAnthropicsCodeExecution()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ToolPriceList.ChargedPerCall("code_execution"), Is.True, "its uses are not reported: charged per call that offers it");
            Assert.That(ToolPriceList.ChargedPerCall("code_interpreter"), Is.False, "reported per container");
            Assert.That(ToolPriceList.ChargedPerCall("web_search"), Is.False);
        });
    }

    [TestCase("web_search", true)]
    [TestCase("web_search_preview", true)]
    [TestCase("web_search_options", true)]
    [TestCase("web_fetch", false)]
    [TestCase("file_search", false)]
    public void IsWebSearch_TheThreeSearchKinds(string kind, bool expected)
        => Assert.That(ToolPriceList.IsWebSearch(kind), Is.EqualTo(expected));

    [Test]
    public void UserPrice_IsOnlyTheUsersNeverTheDefault()
    {
        var list = new ToolPriceList(new Dictionary<string, decimal> { ["file_search"] = 0.004m });
        Assert.Multiple(() =>
        {
            Assert.That(list.UserPrice("file_search", "gpt-4.1"), Is.EqualTo(0.004m));
            Assert.That(list.UserPrice("web_search", "gpt-4.1"), Is.Null, "web search has a default, but the user set none");
            Assert.That(new ToolPriceList(new Dictionary<string, decimal>()).UserPrice("web_search", "gpt-4.1"), Is.Null);
        });
    }

    [Test]
    public void PerUse_UsersPlainPrice_WinsOverTheDefaultForEveryModel()
    {
        var list = new ToolPriceList(new Dictionary<string, decimal> { ["WEB_SEARCH_PREVIEW"] = 0.03m });
        Assert.Multiple(() =>
        {
            Assert.That(list.PerUse("web_search_preview", "gpt-4.1"), Is.EqualTo(0.03m), "keys are case-insensitive");
            Assert.That(list.PerUse("web_search_preview", "o3"), Is.EqualTo(0.03m), "the user's price wins over the shipped one for reasoning models too");
        });
    }

    [TestCase("o3", "0.01")]
    [TestCase("O4-mini", "0.01")]
    [TestCase("GPT-5-mini", "0.01")]
    [TestCase("o", "0.025")]          // one letter: no o-series number
    [TestCase("omni-moderation", "0.025")]
    [TestCase("gpt-4o", "0.025")]
    public void PerUse_WebSearchPreview_TenDollarsPerThousandOnReasoningModels(string model, string expected)
        => Assert.That(new ToolPriceList(new Dictionary<string, decimal>()).PerUse("web_search_preview", model), Is.EqualTo(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture)));

    [Test]
    public void MostPerUse_OfAKindOtherThanImages_IsItsPrice()
    {
        var list = new ToolPriceList(new Dictionary<string, decimal>());
        Assert.Multiple(() =>
        {
            Assert.That(list.MostPerUse("web_search", "gpt-4.1"), Is.EqualTo(0.01m), "$10 / 1k, not the dearest image");
            Assert.That(list.MostPerUse("deep_research_preview", "gpt-4.1"), Is.Null);
        });
    }

    [Test]
    public void MostPerUse_OfImages_CountsAUsersModelPriceOnlyForThatModel()
    {
        var list = new ToolPriceList(new Dictionary<string, decimal> { ["image_generation.high.1536x1536@gpt-4.1"] = 0.5m });
        Assert.Multiple(() =>
        {
            Assert.That(list.MostPerUse("image_generation", "gpt-4.1"), Is.EqualTo(0.5m));
            Assert.That(list.MostPerUse("image_generation", "gpt-4.1-mini"), Is.EqualTo(0.25m), "the dearest shipped image");
        });
    }

    [Test]
    public void ReportedUse_UnknownKind_CostsNothing_AndAnImageWithoutItsOwnPriceCostsTheUsersImagePrice()
    {
        var list = new ToolPriceList(new Dictionary<string, decimal> { ["image_generation"] = 0.3m });
        Assert.Multiple(() =>
        {
            Assert.That(list.ReportedUse("computer_use", "gpt-4.1"), Is.Zero);
            Assert.That(list.ReportedUse("image_generation.medium.2048x2048", "gpt-4.1"), Is.EqualTo(0.3m));
            Assert.That(list.ReportedUse("image_generation.low.1024x1024", "gpt-4.1"), Is.EqualTo(0.011m), "its own shipped price");
        });
    }
}
