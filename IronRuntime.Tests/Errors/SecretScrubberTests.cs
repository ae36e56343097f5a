using System.Text;
using IronRuntime.Router.Errors;

namespace IronRuntime.Tests.Errors;

public sealed class SecretScrubberTests
{
    private const string Key = "sk-proj-AbCdEfGh0123456789XyZ";

    [TestCase("no secret here", "no secret here")]
    [TestCase("whole " + Key + " end", "whole [redacted] end")]
    [TestCase("tail 0123456789XyZ end", "tail [redacted] end")]
    [TestCase("eight AbCdEfGh!", "eight [redacted]!")]
    [TestCase("seven AbCdEfG!", "seven AbCdEfG!")]
    [TestCase("prefix sk-proj-A...", "prefix [redacted]...")]
    [TestCase("two 01234567 and EfGh0123", "two [redacted] and [redacted]")]
    public void Scrub_RemovesEveryFragmentOfEightBytesOrMore(string text, string expected)
    {
        var scrubber = new SecretScrubber([Key, null, ""]);
        Assert.That(Encoding.UTF8.GetString(scrubber.Scrub(Encoding.UTF8.GetBytes(text))), Is.EqualTo(expected));
    }

    [Test]
    public void Scrub_ShortKey_RemovedWhole()
    {
        var scrubber = new SecretScrubber(["abc12"]);
        Assert.That(Encoding.UTF8.GetString(scrubber.Scrub("x abc12 abc1 abc12"u8.ToArray())), Is.EqualTo("x [redacted] abc1 [redacted]"));
    }

    [Test]
    public void Scrub_NothingFound_ReturnsTheSameArray()
    {
        var scrubber = new SecretScrubber([Key]);
        byte[] body = "{\"error\":{}}"u8.ToArray();
        Assert.That(scrubber.Scrub(body), Is.SameAs(body));
    }
}
