using System.Text;
using System.Text.Json;
using IronRuntime.Router;
using IronRuntime.Router.Usage;
using IronRuntime.Router.Wire;

namespace IronRuntime.Tests.Wire;

/// <summary>
/// The usage objects the router writes (translated answers, the simulated provider) in each provider's shape — the
/// shapes of the Chat Completions and Messages API references — and the per-API helpers beside them.
/// </summary>
public sealed class WireUsageTests
{
    // Prompt 2,006 tokens of which 1,920 cached; 300 generated of which 192 reasoning.
    private static readonly TokenUsage OpenAIUsage = new(2006, 300, CachedInputTokens: 1920, ReasoningTokens: 192);

    // Prompt 1,000 tokens: 100 uncached, 600 read from the cache, 300 written to it; 50 generated.
    private static readonly TokenUsage AnthropicUsage = new(1000, 50, CachedInputTokens: 600, CacheCreationInputTokens: 300);

    [Test]
    public void WriteChat_TheMeteredDetails()
    {
        string json = Write(w => WireUsage.WriteChat(w, OpenAIUsage));

        Assert.That(json, Is.EqualTo(
            """{"usage":{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,"prompt_tokens_details":{"cached_tokens":1920},"completion_tokens_details":{"reasoning_tokens":192}}}"""));
    }

    [Test]
    public void WriteChat_AllDetails_AsTheApiWritesThem()
    {
        string json = Write(w => WireUsage.WriteChat(w, OpenAIUsage, allDetails: true));

        Assert.That(json, Is.EqualTo(
            """{"usage":{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,"prompt_tokens_details":{"cached_tokens":1920,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":192,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}"""));
    }

    [Test]
    public void WriteAnthropic_InputTokensAreTheUncachedPart()
    {
        string json = Write(w => WireUsage.WriteAnthropic(w, AnthropicUsage));

        Assert.That(json, Is.EqualTo(
            """{"usage":{"input_tokens":100,"cache_creation_input_tokens":300,"cache_read_input_tokens":600,"output_tokens":50}}"""));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void WriteChat_ReadBackByTheMetering_IsTheSameUsage(bool allDetails)
    {
        string json = Write(w => WireUsage.WriteChat(w, OpenAIUsage, allDetails));

        Assert.Multiple(() =>
        {
            Assert.That(UsageJsonReader.TryRead(Encoding.UTF8.GetBytes(json), LlmApi.ChatCompletions, out TokenUsage read), Is.True);
            Assert.That(read, Is.EqualTo(OpenAIUsage));
        });
    }

    [Test]
    public void WriteAnthropic_ReadBackByTheMetering_IsTheSameUsage()
    {
        string json = Write(w => WireUsage.WriteAnthropic(w, AnthropicUsage));

        Assert.Multiple(() =>
        {
            Assert.That(UsageJsonReader.TryRead(Encoding.UTF8.GetBytes(json), LlmApi.Messages, out TokenUsage read), Is.True);
            Assert.That(read, Is.EqualTo(AnthropicUsage));
        });
    }

    [TestCase(1000, 600, 300, 100)]
    [TestCase(1000, 0, 0, 1000)]
    [TestCase(900, 600, 300, 0)]
    [TestCase(10, 20, 0, 0)]
    [TestCase(10, 0, 20, 0)]
    public void UncachedInputTokens_IsThePromptLessTheCacheReadsAndWrites_NeverNegative(long input, long read, long written, long expected)
    {
        var usage = new TokenUsage(input, 1, CachedInputTokens: read, CacheCreationInputTokens: written);

        Assert.That(MessagesWire.UncachedInputTokens(usage), Is.EqualTo(expected));
    }

    [TestCase("response.completed", true, true)]
    [TestCase("response.incomplete", true, true)]
    [TestCase("response.failed", false, true)]
    [TestCase("response.created", false, false)]
    [TestCase("response.in_progress", false, false)]
    [TestCase("error", false, false)]
    [TestCase("response.completed.x", false, false)]
    [TestCase("", false, false)]
    public void ResponsesEndingEvents(string type, bool completion, bool terminal)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(type);

        Assert.Multiple(() =>
        {
            Assert.That(ResponsesWire.IsCompletion(bytes), Is.EqualTo(completion));
            Assert.That(ResponsesWire.IsTerminal(bytes), Is.EqualTo(terminal));
        });
    }

    [TestCase("response.output_text.delta", "response.output_text")]
    [TestCase("response.output_text.done", "response.output_text")]
    [TestCase("response.function_call_arguments.delta", "response.function_call_arguments")]
    [TestCase("response.reasoning_summary_text.done", "response.reasoning_summary_text")]
    [TestCase("response.completed", "")]
    [TestCase("response.output_text.deltas", "")]
    [TestCase("response.output_text.annotation.added", "")]
    [TestCase(".delta", "")]
    [TestCase("", "")]
    public void TextFamily_IsTheTypeWithoutItsDeltaOrDoneSuffix(string type, string expected)
    {
        ReadOnlySpan<byte> family = ResponsesWire.TextFamily(Encoding.UTF8.GetBytes(type));

        Assert.That(Encoding.UTF8.GetString(family), Is.EqualTo(expected));
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
