using IronRuntime.Router;
using IronRuntime.Router.Usage;

namespace IronRuntime.Tests.Usage;

/// <summary><see cref="UsageParts.Counter"/>: each counter flag names its own field, and nothing else names one.</summary>
public sealed class UsagePartsTests
{
    [Test]
    public void Counter_EachFlag_WritesItsOwnField()
    {
        var parts = default(UsageParts);
        parts.Counter(UsageFields.Input) = 1;
        parts.Counter(UsageFields.Output) = 2;
        parts.Counter(UsageFields.CachedInput) = 3;
        parts.Counter(UsageFields.CacheCreation) = 4;
        parts.Counter(UsageFields.Reasoning) = 5;
        parts.Counter(UsageFields.CacheCreationOneHour) = 6;
        parts.Counter(UsageFields.AudioInput) = 7;
        parts.Counter(UsageFields.AudioOutput) = 8;
        parts.Counter(UsageFields.ServerToolUses) = 9;

        Assert.That(parts.ToTokenUsage(UsageDialect.OpenAIChat), Is.EqualTo(new TokenUsage(
            InputTokens: 1, OutputTokens: 2, CachedInputTokens: 3, CacheCreationInputTokens: 4, ReasoningTokens: 5,
            CacheCreationOneHourInputTokens: 6, AudioInputTokens: 7, AudioOutputTokens: 8, ServerToolUses: 9)));
        Assert.That(parts.Present, Is.EqualTo(UsageFields.None), "Counter writes the value only; Present is the reader's to set");
    }

    [TestCase(0)] // UsageFields.None
    [TestCase(3)] // Input | Output
    [TestCase(512)] // no counter
    [TestCase(int.MinValue)] // a single bit, but no counter's
    public void Counter_NotOneCountersFlag_Throws(int field)
    {
        var parts = default(UsageParts);

        Assert.That(() => parts.Counter((UsageFields)field), Throws.TypeOf<ArgumentOutOfRangeException>());
    }
}
