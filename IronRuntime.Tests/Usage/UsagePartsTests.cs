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

        long[] fields = [parts.Input, parts.Output, parts.CachedInput, parts.CacheCreation, parts.Reasoning, parts.CacheCreationOneHour,
            parts.AudioInput, parts.AudioOutput, parts.ServerToolUses];
        Assert.That(fields, Is.EqualTo(new long[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }));
        Assert.That(parts.Present, Is.EqualTo(UsageFields.None), "Counter writes the value only; Present is the reader's to set");
    }

    [TestCase(0)] // UsageFields.None
    [TestCase(3)] // Input | Output
    [TestCase(512)] // no counter
    public void Counter_NotOneCountersFlag_Throws(int field)
    {
        var parts = default(UsageParts);

        Assert.That(() => parts.Counter((UsageFields)field), Throws.TypeOf<ArgumentOutOfRangeException>());
    }
}
