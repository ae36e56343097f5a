using IronRuntime.Router.Simulation;

namespace IronRuntime.Tests.Simulation;

[TestFixture]
public sealed class ReplyTextTests
{
    [Test]
    public void SplitIntoDeltas_Text_KeepsWhitespaceBeforeEachWord()
    {
        Assert.That(ReplyText.SplitIntoDeltas("Hello, world!\n\n中文 🚀"), Is.EqualTo(new[] { "Hello,", " world!", "\n\n中文", " 🚀" }));
    }

    [Test]
    public void SplitIntoDeltas_Deltas_ConcatenateToTheText()
    {
        const string Text = "  leading and trailing  ";

        Assert.That(string.Concat(ReplyText.SplitIntoDeltas(Text)), Is.EqualTo(Text));
    }

    [TestCase("", 0)]
    [TestCase("one", 1)]
    [TestCase(" two  words ", 2)]
    [TestCase("café, 中文 and 🚀", 4)]
    public void CountWords_Text_CountsWhitespaceSeparatedWords(string text, int words)
    {
        Assert.That(ReplyText.CountWords(text), Is.EqualTo(words));
    }

    [TestCase("abcdef", 4, "abcd")]
    [TestCase("aé", 2, "a")]
    [TestCase("aé", 3, "aé")]
    [TestCase("a🚀b", 4, "a")]
    [TestCase("a🚀b", 5, "a🚀")]
    public void TruncateToUtf8Bytes_Budget_NeverSplitsACharacter(string text, long bytes, string expected)
    {
        Assert.That(ReplyText.TruncateToUtf8Bytes(text, bytes), Is.EqualTo(expected));
    }
}
