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
}
