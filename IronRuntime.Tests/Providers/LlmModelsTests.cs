using IronRuntime.Router;

namespace IronRuntime.Tests.Providers;

public sealed class LlmModelsTests
{
    // OpenAI's reasoning models (platform.openai.com/docs/models): the o-series and gpt-5; the same with an "openai/" prefix.
    [TestCase("o1", true)]
    [TestCase("o1-pro", true)]
    [TestCase("o3-mini", true)]
    [TestCase("O4-mini", true)]
    [TestCase("gpt-5", true)]
    [TestCase("gpt-5-mini-2025-08-07", true)]
    [TestCase("openai/o3", true)]
    [TestCase("OpenAI/gpt-5-nano", true)]
    [TestCase("gpt-4o", false)]
    [TestCase("gpt-4.1-mini", false)]
    [TestCase("omni-moderation-latest", false)]
    [TestCase("o", false)]
    [TestCase("", false)]
    [TestCase("claude-opus-4-1", false)]
    [TestCase("anthropic/o3", false)]
    [TestCase("openai/gpt-4o", false)]
    public void IsReasoningModel_OpenAIsOSeriesAndGpt5(string model, bool expected)
        => Assert.That(LlmModels.IsReasoningModel(model), Is.EqualTo(expected));

    [Test]
    public void IsReasoningModel_Null_Throws()
        => Assert.That(() => LlmModels.IsReasoningModel(null!), Throws.ArgumentNullException);
}
