using IronRuntime.Router;

namespace IronRuntime.Tests.Usage;

/// <summary>Adding usages (two attempts of one call, say) adds every counter, field by field.</summary>
public sealed class TokenUsageTests
{
    [Test]
    public void Add_TwoUsages_AddsEveryCounter()
    {
        var left = new TokenUsage(100, 20, CachedInputTokens: 30, CacheCreationInputTokens: 40, ReasoningTokens: 5, CacheCreationOneHourInputTokens: 6,
            AudioInputTokens: 7, AudioOutputTokens: 8, ServerToolUses: 1);
        var right = new TokenUsage(1_000, 200, CachedInputTokens: 300, CacheCreationInputTokens: 400, ReasoningTokens: 50, CacheCreationOneHourInputTokens: 60,
            AudioInputTokens: 70, AudioOutputTokens: 80, ServerToolUses: 2);
        var expected = new TokenUsage(1_100, 220, CachedInputTokens: 330, CacheCreationInputTokens: 440, ReasoningTokens: 55, CacheCreationOneHourInputTokens: 66,
            AudioInputTokens: 77, AudioOutputTokens: 88, ServerToolUses: 3);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(left + right, Is.EqualTo(expected));
            Assert.That(TokenUsage.Add(left, right), Is.EqualTo(expected));
            Assert.That((left + right).TotalTokens, Is.EqualTo(1_320));
        }
    }

    [TestCase(0, 0, true)]
    [TestCase(1, 0, false)]
    [TestCase(0, 1, false)]
    public void IsEmpty_OnlyWithoutInputAndOutput(long input, long output, bool empty)
        => Assert.That(new TokenUsage(input, output).IsEmpty, Is.EqualTo(empty));

    [Test]
    public void Add_ToolUses_AddsCountsPerKind()
    {
        var left = new TokenUsage(1, 1, ToolUses: new Dictionary<string, long> { ["file_search"] = 2, ["code_interpreter"] = 1 });
        var right = new TokenUsage(1, 1, ToolUses: new Dictionary<string, long> { ["file_search"] = 3, ["image_generation"] = 1 });

        Assert.That((left + right).ToolUses, Is.EquivalentTo(new Dictionary<string, long>
        {
            ["file_search"] = 5,
            ["code_interpreter"] = 1,
            ["image_generation"] = 1,
        }));
    }

    [Test]
    public void Add_ToolUsesOnOneSideOnly_AreKept()
    {
        var uses = new Dictionary<string, long> { ["file_search"] = 2 };
        var with = new TokenUsage(1, 1, ToolUses: uses);
        var without = new TokenUsage(1, 1);
        var empty = new TokenUsage(1, 1, ToolUses: new Dictionary<string, long>());

        using (Assert.EnterMultipleScope())
        {
            Assert.That((with + without).ToolUses, Is.EquivalentTo(uses));
            Assert.That((without + with).ToolUses, Is.EquivalentTo(uses));
            Assert.That((with + empty).ToolUses, Is.EquivalentTo(uses));
            Assert.That((empty + with).ToolUses, Is.EquivalentTo(uses));
            Assert.That((without + without).ToolUses, Is.Null);
        }
    }

    [Test]
    public void Add_ToolUses_LeavesBothSidesUnchanged()
    {
        var leftUses = new Dictionary<string, long> { ["file_search"] = 2 };
        var rightUses = new Dictionary<string, long> { ["file_search"] = 3 };

        _ = new TokenUsage(1, 1, ToolUses: leftUses) + new TokenUsage(1, 1, ToolUses: rightUses);

        Assert.That((leftUses["file_search"], rightUses["file_search"]), Is.EqualTo((2L, 3L)));
    }
}
