using System.Text;
using IronRuntime.Router.Usage;

namespace IronRuntime.Tests.Usage;

public sealed class PartialAnswerTextTests
{
    [Test]
    public void OutputTokens_AnthropicAnswerCutInItsText_CountsTheTextThatArrivedAsBytes()
    {
        byte[] body = Encoding.UTF8.GetBytes("""{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"Bonjour à vous""");

        // "Bonjour" 7 + space + "à" 2 + space + "vous" 4; no tokenizer for Claude, so UTF-8 bytes (≥ tokens).
        Assert.That(PartialAnswerText.OutputTokens(body, "claude-sonnet-4-5"), Is.EqualTo(15));
    }

    [Test]
    public void OutputTokens_ChatAnswerCutInItsContent_CountsTokensOfTheTextThatArrived()
    {
        byte[] body = Encoding.UTF8.GetBytes("""{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"The quick brown fox jumps over the lazy dog. The quick brown""");

        // 10 tokens for the sentence (o200k_base), then " The", " quick", " brown".
        Assert.That(PartialAnswerText.OutputTokens(body, "gpt-4o-mini"), Is.EqualTo(13));
    }

    [Test]
    public void OutputTokens_ToolInputAndText_CountsTheInputAsItsJsonBytes()
    {
        byte[] body = Encoding.UTF8.GetBytes("""{"type":"message","content":[{"type":"tool_use","id":"t1","name":"get","input":{"city":"Paris"}},{"type":"text","text":"ok"}],"stop_reason":"tool_use","usa""");

        // {"city":"Paris"} is 16 bytes, "ok" 2; after the last complete value, ,"usa (5 bytes) counts one each.
        Assert.That(PartialAnswerText.OutputTokens(body, "claude-haiku-4-5"), Is.EqualTo(16 + 2 + 5));
    }

    [Test]
    public void OutputTokens_NoTextArrived_IsOne()
    {
        Assert.That(PartialAnswerText.OutputTokens("""{"id":"x"}"""u8, "gpt-4o"), Is.EqualTo(1));
    }

    [TestCase("content")]
    [TestCase("text")]
    [TestCase("arguments")]
    [TestCase("refusal")]
    [TestCase("thinking")]
    [TestCase("reasoning_content")]
    [TestCase("partial_json")]
    public void OutputTokens_EachTextMember_IsCountedAsText(string member)
    {
        // Two escapes (four bytes on the wire) and three letters: five bytes of text, at least 2 more than any other count.
        byte[] body = Encoding.UTF8.GetBytes("{\"id\":\"x\",\"" + member + "\":\"\\n\\nabc\"}");

        Assert.That(PartialAnswerText.OutputTokens(body, "claude-haiku-4-5"), Is.EqualTo(5));
    }

    [TestCase("id")]
    [TestCase("model")]
    [TestCase("signature")]
    public void OutputTokens_OtherMembers_AreNotText(string member)
    {
        byte[] body = Encoding.UTF8.GetBytes("{\"" + member + "\":\"\\n\\nabcdefghijklmnop\"}");

        Assert.That(PartialAnswerText.OutputTokens(body, "claude-haiku-4-5"), Is.EqualTo(1));
    }

    [Test]
    public void OutputTokens_TextMemberWhoseValueIsNoString_IsNotText_NorIsTheNextString()
    {
        byte[] body = Encoding.UTF8.GetBytes("""{"content":null,"id":"abcdefgh","text":7,"model":"abcdefgh"}""");

        Assert.That(PartialAnswerText.OutputTokens(body, "claude-haiku-4-5"), Is.EqualTo(1));
    }

    [TestCase("""{"content" : "ab\ncdefgh""", 9)]
    [TestCase("{\"content\":\t\r\n\"abcd", 4)]
    [TestCase("""{"content":""", 1)]
    public void OutputTokens_CutAfterATextMembersName_CountsWhatArrivedOfItsString(string body, int expected)
    {
        Assert.That(PartialAnswerText.OutputTokens(Encoding.UTF8.GetBytes(body), "claude-haiku-4-5"), Is.EqualTo(expected));
    }

    [Test]
    public void OutputTokens_CutAfterANonTextMembersName_CountsTheRestAsBytes()
    {
        byte[] body = Encoding.UTF8.GetBytes("""{"id":"\n\nabcdef""");

        // {"id": parses (6 bytes, no text); the cut string's 11 bytes after it count one each (quote, 6 letters, 2 escapes).
        Assert.That(PartialAnswerText.OutputTokens(body, "claude-haiku-4-5"), Is.EqualTo(11));
    }

    [Test]
    public void OutputTokens_CutInsideAToolInput_CountsTheInputsBytes()
    {
        byte[] body = Encoding.UTF8.GetBytes("""{"content":[{"type":"tool_use","input":{"city":"Par""");

        // {"city":"Par is 12 bytes.
        Assert.That(PartialAnswerText.OutputTokens(body, "claude-haiku-4-5"), Is.EqualTo(12));
    }

    [Test]
    public void OutputTokens_InputThatIsNoObject_IsNotCounted()
    {
        byte[] body = Encoding.UTF8.GetBytes("""{"input":"\n\nabcdefghijkl","text":"ab"}""");

        Assert.That(PartialAnswerText.OutputTokens(body, "claude-haiku-4-5"), Is.EqualTo(2), "only the text member");
    }

    [Test]
    public void OutputTokens_GarbledAfterText_CountsTheTextAndTheRestAsBytes()
    {
        byte[] body = Encoding.UTF8.GetBytes("""{"content":"\n\nab"}}xyz""");

        // The text: two newlines and "ab" (4); the object ends after 16 bytes; "}xyz" is not JSON: 4 bytes one each.
        Assert.That(PartialAnswerText.OutputTokens(body, "claude-haiku-4-5"), Is.EqualTo(4 + 4));
    }

    [Test]
    public void OutputTokens_TextDeeperThanTheDefaultReaderDepth_IsStillFound()
    {
        // The answers nest a few levels; 100 levels is past System.Text.Json's default depth of 64.
        string body = string.Concat(Enumerable.Repeat("[", 100)) + "{\"text\":\"\\n\\nabc\"}" + string.Concat(Enumerable.Repeat("]", 100));

        Assert.That(PartialAnswerText.OutputTokens(Encoding.UTF8.GetBytes(body), "claude-haiku-4-5"), Is.EqualTo(5));
    }

    [Test]
    public void OutputTokens_OpenAIModel_CountsTheTextWithItsTokenizer()
    {
        byte[] body = Encoding.UTF8.GetBytes("""{"model":"gpt-4o","choices":[{"message":{"content":"The quick brown fox jumps over the lazy dog."}}]}""");

        // 10 tokens in o200k_base (the OpenAI cookbook's example); 44 UTF-8 bytes.
        Assert.That(PartialAnswerText.OutputTokens(body, "gpt-4o"), Is.EqualTo(10));
    }
}
