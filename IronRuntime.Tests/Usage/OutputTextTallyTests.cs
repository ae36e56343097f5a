using System.Text;
using IronRuntime.Router.Usage;

namespace IronRuntime.Tests.Usage;

public sealed class OutputTextTallyTests
{
    [Test]
    public void CountTokens_EscapedText_CountsTheUnescapedUtf8BytesWithoutATokenizer()
    {
        var tally = new OutputTextTally();

        bool found = tally.AddStringValue("""{"choices":[{"delta":{"content":"caf\u00e9 \"x\"\n"}}]}"""u8, "\"content\":\""u8);
        tally.AddEvent();

        // c, a, f, é (2 bytes), space, ", x, ", LF.
        Assert.Multiple(() =>
        {
            Assert.That(found, Is.True);
            Assert.That(tally.CountTokens("my-finetune"), Is.EqualTo(10));
        });
    }

    [Test]
    public void CountTokens_OpenAIModel_CountsWithItsTokenizer()
    {
        var tally = new OutputTextTally();
        for (int i = 0; i < 3; i++)
        {
            tally.AddEscaped(Encoding.UTF8.GetBytes(i == 0 ? "The quick brown fox jumps over the lazy dog." : " The quick brown fox jumps over the lazy dog."));
            tally.AddEvent();
        }

        // 10 tokens a sentence in o200k_base (the OpenAI cookbook's example); 3 events would say 3.
        Assert.That(tally.CountTokens("gpt-4o-mini"), Is.EqualTo(30));
    }

    [Test]
    public void CountTokens_EventsWithoutText_AreAtLeastOneTokenEach()
    {
        var tally = new OutputTextTally();
        tally.AddEvent();
        tally.AddEvent();
        tally.AddEvent();

        Assert.That(tally.CountTokens("gpt-4o"), Is.EqualTo(3));
    }

    [Test]
    public void AddStringValue_EmptyString_IsNotContent()
    {
        var tally = new OutputTextTally();

        Assert.That(tally.AddStringValue("""{"delta":{"role":"assistant","content":""}}"""u8, "\"content\":\""u8), Is.False);
    }

    [Test]
    public void AddPartialEscaped_CutInsideAnEscape_KeepsTheTextBeforeItAndCountsTheRestAsBytes()
    {
        var tally = new OutputTextTally();

        tally.AddPartialEscaped("ab\\u00"u8);

        Assert.That(tally.CountTokens(null), Is.EqualTo(2 + 4), "\"ab\" as text, the four bytes of the unfinished escape one each");
    }

    [Test]
    public void AddPartialEscaped_CutInsideAUtf8Sequence_KeepsTheWholeCharacters()
    {
        var tally = new OutputTextTally();

        tally.AddPartialEscaped([(byte)'c', (byte)'a', (byte)'f', 0xC3]);

        Assert.That(tally.CountTokens(null), Is.EqualTo(3 + 1));
    }

    [Test]
    public void AddEscaped_PastTheTextCap_CountsBytes()
    {
        var tally = new OutputTextTally();
        byte[] chunk = Encoding.ASCII.GetBytes(new string('a', 64 * 1024));
        for (int i = 0; i < 20; i++)
        {
            tally.AddEscaped(chunk);
        }

        // Twenty 64 KiB chunks: 15 fit under the 1 MiB cap (tokenized: far fewer tokens than bytes), 5 are counted as bytes.
        long tokens = tally.CountTokens("gpt-4o");
        Assert.That(tokens, Is.InRange(5 * 64 * 1024, 20 * 64 * 1024));
    }
}
