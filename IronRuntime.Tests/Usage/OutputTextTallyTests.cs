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
    [CancelAfter(30_000)]
    public void AddEscaped_PastTheTextCap_CountsBytes_AndALongWordIsCountedQuickly()
    {
        var tally = new OutputTextTally();
        byte[] chunk = Encoding.ASCII.GetBytes(new string('a', 64 * 1024));
        for (int i = 0; i < 20; i++)
        {
            tally.AddEscaped(chunk);
        }

        // Twenty 64 KiB chunks of one "word": 3 fit under the 256 KiB cap (tokenized in pieces: far fewer tokens than
        // bytes, and in well under a second, where one piece took minutes), 17 are counted as bytes.
        var started = System.Diagnostics.Stopwatch.StartNew();
        long tokens = tally.CountTokens("gpt-4o");
        Assert.Multiple(() =>
        {
            Assert.That(tokens, Is.InRange(17 * 64 * 1024, 20 * 64 * 1024));
            Assert.That(started.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));
        });
    }

    [Test]
    public void IsEmpty_UntilAnEventTextOrUncountedBytesAreAdded()
    {
        var events = new OutputTextTally();
        var text = new OutputTextTally();
        var bytes = new OutputTextTally();
        var nothing = new OutputTextTally();
        Assert.That(events.IsEmpty, Is.True);

        events.AddEvent();
        text.AddEscaped("a"u8);
        bytes.AddUncounted(3);
        nothing.AddEscaped(default);

        Assert.Multiple(() =>
        {
            Assert.That(events.IsEmpty, Is.False);
            Assert.That(text.IsEmpty, Is.False);
            Assert.That(bytes.IsEmpty, Is.False);
            Assert.That(nothing.IsEmpty, Is.True);
            Assert.That(nothing.CountTokens(null), Is.Zero);
        });
    }

    [Test]
    public void CountTokens_NoModel_CountsTheUnescapedBytes()
    {
        var tally = new OutputTextTally();

        tally.AddEscaped("\\n\\n\\t"u8); // six bytes on the wire, three characters

        Assert.That(tally.CountTokens(null), Is.EqualTo(3));
    }

    [Test]
    public void CountTokens_TextAndUncountedBytesAndEvents_AddTextAndBytes_AtLeastTheEvents()
    {
        var tally = new OutputTextTally();
        tally.AddEscaped("ab\\n"u8);
        tally.AddUncounted(4);
        for (int i = 0; i < 5; i++)
        {
            tally.AddEvent();
        }

        long few = tally.CountTokens(null);

        var many = new OutputTextTally();
        many.AddEscaped("ab"u8);
        for (int i = 0; i < 9; i++)
        {
            many.AddEvent();
        }

        Assert.Multiple(() =>
        {
            Assert.That(few, Is.EqualTo(3 + 4), "7 tokens from 5 events");
            Assert.That(many.CountTokens(null), Is.EqualTo(9), "2 bytes of text, but 9 content events");
        });
    }

    [Test]
    public void CountTokens_ReleasesTheText_ASecondCountHasOnlyTheBytesAndEvents()
    {
        var tally = new OutputTextTally();
        tally.AddEscaped("abcdef"u8);
        tally.AddUncounted(2);

        long first = tally.CountTokens(null);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(8));
            Assert.That(tally.CountTokens(null), Is.EqualTo(2));
        });
    }

    [Test]
    public void Release_DropsTheText_LaterTextStartsAfresh()
    {
        var tally = new OutputTextTally();
        tally.AddEscaped("abcdef"u8);

        tally.Release();
        tally.AddEscaped("\\n"u8);

        Assert.That(tally.CountTokens(null), Is.EqualTo(1));
    }

    [Test]
    public void AddEscaped_ManyPiecesAcrossBufferGrowths_KeepsEveryByteInOrder()
    {
        // Pieces of 255 and 256 bytes end exactly at the first buffers' ends; escapes make a lost or shifted byte visible.
        var tally = new OutputTextTally();
        tally.AddEscaped(Encoding.ASCII.GetBytes(new string('a', 255)));
        tally.AddEscaped(Encoding.ASCII.GetBytes(new string('b', 256)));
        byte[] escapes = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("\\n", 500)));
        tally.AddEscaped(escapes);
        tally.AddEscaped(Encoding.ASCII.GetBytes(new string('c', 3000)));

        Assert.That(tally.CountTokens(null), Is.EqualTo(255 + 256 + 500 + 3000));
    }

    [Test]
    public void AddEscaped_TextEndingAtTheLastByteBeforeTheSpareOne_IsCounted()
    {
        // 255 + 256 bytes after the leading quote: the text, its quote and the spare byte need 513 bytes.
        var tally = new OutputTextTally();
        tally.AddEscaped(Encoding.ASCII.GetBytes(new string('a', 255)));
        tally.AddEscaped(Encoding.ASCII.GetBytes(new string('b', 256)));

        Assert.That(tally.CountTokens(null), Is.EqualTo(511));
    }

    [Test]
    public void AddEscaped_FirstPieceOfTheCapLessOne_IsStillText()
    {
        // 262,143 bytes: with the spare byte at the end, the 256 KiB cap.
        var tally = new OutputTextTally();
        tally.AddEscaped(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("\\n", 131_071)) + "a"));

        Assert.That(tally.CountTokens(null), Is.EqualTo(131_072), "unescaped: one byte per escape");
    }

    [Test]
    public void AddEscaped_FirstPieceOfTheCap_IsCountedAsItsBytes()
    {
        var tally = new OutputTextTally();
        tally.AddEscaped(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("\\n", 131_072))));

        Assert.That(tally.CountTokens(null), Is.EqualTo(262_144), "every escaped byte one token");
    }

    [Test]
    public void AddEscaped_LaterPieces_FillTheCapWithTheLeadingQuoteAndTheSpareByte_BeyondItAreBytes()
    {
        var tally = new OutputTextTally();
        tally.AddEscaped(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("\\n", 100_000))));
        tally.AddEscaped(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("\\n", 31_071)))); // quote + 262,142 + spare
        tally.AddEscaped("\\n"u8); // one more escape does not fit

        Assert.That(tally.CountTokens(null), Is.EqualTo(100_000 + 31_071 + 2));
    }

    [Test]
    public void AddEscaped_InvalidEscape_CountsTheEscapedBytes()
    {
        var tally = new OutputTextTally();

        tally.AddEscaped("ab\\qcd"u8);

        Assert.That(tally.CountTokens(null), Is.EqualTo(6));
    }

    [Test]
    public void AddEscaped_InvalidUtf8_CountsTheEscapedBytes()
    {
        var tally = new OutputTextTally();

        tally.AddEscaped([(byte)'\\', (byte)'n', (byte)'a', 0xFF, (byte)'b']);

        Assert.That(tally.CountTokens(null), Is.EqualTo(5));
    }

    [Test]
    public void AddStringValue_MemberMissing_AddsNothing()
    {
        var tally = new OutputTextTally();

        bool found = tally.AddStringValue("""{"delta":{"text":"abc"}}"""u8, "\"content\":\""u8);

        Assert.Multiple(() =>
        {
            Assert.That(found, Is.False);
            Assert.That(tally.IsEmpty, Is.True);
        });
    }

    [Test]
    public void AddStringValue_TakesOnlyTheFirstStringOfTheMember()
    {
        var tally = new OutputTextTally();

        bool found = tally.AddStringValue("""{"content":"ab\"c","x":"content","content":"zzzzzz"}"""u8, "\"content\":\""u8);

        Assert.Multiple(() =>
        {
            Assert.That(found, Is.True);
            Assert.That(tally.CountTokens(null), Is.EqualTo(4), "a, b, quote, c");
        });
    }

    [Test]
    public void AddStringValue_StringCutBeforeItsQuote_AddsWhatArrived()
    {
        var tally = new OutputTextTally();

        bool found = tally.AddStringValue("""{"delta":{"content":"ab\ncdefgh"""u8, "\"content\":\""u8);

        Assert.Multiple(() =>
        {
            Assert.That(found, Is.True);
            Assert.That(tally.CountTokens(null), Is.EqualTo(9), "a, b, newline, six letters");
        });
    }

    [Test]
    public void AddStringValue_CutRightAfterTheOpeningQuote_IsNotContent()
    {
        var tally = new OutputTextTally();

        Assert.Multiple(() =>
        {
            Assert.That(tally.AddStringValue("{\"delta\":{\"content\":\""u8, "\"content\":\""u8), Is.False);
            Assert.That(tally.IsEmpty, Is.True);
        });
    }

    [TestCase("abc\"", 3)]
    [TestCase("a\\\"b\"", 4)]
    [TestCase("a\\\\\"", 3)]
    [TestCase("\\u00e9\"x\"", 6)]
    [TestCase("\"", 0)]
    [TestCase("abc", -1)]
    [TestCase("", -1)]
    [TestCase("a\\", -1)]
    [TestCase("a\\\"", -1)]
    [TestCase("a\\\"bc", -1)]
    public void ClosingQuote_SkipsEscapedBytes(string contents, int expected)
    {
        Assert.That(OutputTextTally.ClosingQuote(Encoding.ASCII.GetBytes(contents)), Is.EqualTo(expected));
    }

    [Test]
    public void AddPartialEscaped_BackslashBeforeTheLastSixBytes_IsAWholeEscape()
    {
        var tally = new OutputTextTally();

        tally.AddPartialEscaped("\\nabcdefgh"u8);

        Assert.That(tally.CountTokens(null), Is.EqualTo(9), "a newline and eight letters, all text");
    }

    [Test]
    public void AddPartialEscaped_CutEscapeAfterLongText_KeepsTheTextBeforeIt()
    {
        var tally = new OutputTextTally();

        tally.AddPartialEscaped("The quick brown fox jumps over the lazy dog.\\u00"u8);

        // 10 tokens for the sentence (o200k_base, the OpenAI cookbook's example), the four bytes of the escape one each.
        Assert.That(tally.CountTokens("gpt-4o"), Is.EqualTo(10 + 4));
    }

    [Test]
    public void AddPartialEscaped_NothingCut_IsAllText()
    {
        var tally = new OutputTextTally();

        tally.AddPartialEscaped("The quick brown fox jumps over the lazy dog."u8);

        Assert.That(tally.CountTokens("gpt-4o"), Is.EqualTo(10));
    }

    [TestCase(new byte[] { 0xC3, 0xA9 }, 2)]                 // é, whole
    [TestCase(new byte[] { 0xE4, 0xB8, 0xAD }, 3)]           // 中, whole
    [TestCase(new byte[] { 0xE4, 0xB8 }, 2)]                 // 中, cut after two bytes
    [TestCase(new byte[] { 0xE4 }, 1)]                       // 中, cut after one byte
    [TestCase(new byte[] { 0xF0, 0x9F, 0x98, 0x80 }, 4)]     // 😀, whole
    [TestCase(new byte[] { 0xF0, 0x9F, 0x98 }, 3)]           // 😀, cut after three bytes
    [TestCase(new byte[] { 0xF0, 0x9F }, 2)]                 // 😀, cut after two bytes
    public void AddPartialEscaped_EndingInAMultiByteCharacter_KeepsEscapedTextBeforeACutOne(byte[] tail, int tailBytes)
    {
        // Two escapes in front (four bytes on the wire, two characters): text before the cut is unescaped; a cut
        // character's bytes count one each; a text that kept a cut character could not be decoded and would count
        // every escaped byte instead.
        byte[] contents = [.. "\\n\\nabcdef"u8, .. tail];
        var tally = new OutputTextTally();

        tally.AddPartialEscaped(contents);

        Assert.That(tally.CountTokens(null), Is.EqualTo(8 + tailBytes));
    }

    [Test]
    public void AddPartialEscaped_AStrayContinuationByte_CountsTheEscapedBytes()
    {
        byte[] contents = [.. "\\n\\nabcdef"u8, 0x80, 0x80, 0x80, 0x80, 0x80];
        var tally = new OutputTextTally();

        tally.AddPartialEscaped(contents);

        Assert.That(tally.CountTokens(null), Is.EqualTo(15), "not UTF-8: every byte as it arrived");
    }
}
