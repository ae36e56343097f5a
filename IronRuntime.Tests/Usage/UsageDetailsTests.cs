using System.Text;
using IronRuntime.Router;
using IronRuntime.Router.Usage;

namespace IronRuntime.Tests.Usage;

/// <summary>
/// The usage counters beyond input and output — audio, one-hour cache writes, server-tool uses — as the providers'
/// API references write them (OpenAI <c>prompt_tokens_details.audio_tokens</c> and
/// <c>completion_tokens_details.audio_tokens</c>; Anthropic <c>cache_creation.ephemeral_1h_input_tokens</c> and
/// <c>server_tool_use.web_search_requests</c>), and how later counters replace earlier ones.
/// </summary>
public sealed class UsageDetailsTests
{
    // A gpt-4o-audio-preview answer as the Chat Completions reference shows one, with audio on both sides.
    private const string ChatAudioBody = """
        {"id":"chatcmpl-A1","object":"chat.completion","created":1754550123,"model":"gpt-4o-audio-preview-2025-06-03",
         "choices":[{"index":0,"message":{"role":"assistant","content":null,"audio":{"id":"audio_1","data":"UklGRg==","expires_at":1754553723,"transcript":"Hi"}},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":120,"completion_tokens":300,"total_tokens":420,
                  "prompt_tokens_details":{"cached_tokens":16,"audio_tokens":100},
                  "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":280,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}
        """;

    // A Messages answer with a one-hour cache write and two web searches (usage fields as in Anthropic's reference).
    private const string AnthropicFullBody = """
        {"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"Found it."}],
         "stop_reason":"end_turn","stop_sequence":null,
         "usage":{"input_tokens":50,"cache_creation_input_tokens":2000,"cache_read_input_tokens":1000,
                  "cache_creation":{"ephemeral_5m_input_tokens":1500,"ephemeral_1h_input_tokens":500},
                  "output_tokens":300,"service_tier":"standard","server_tool_use":{"web_search_requests":2}}}
        """;

    [Test]
    public void TryRead_ChatBodyWithAudio_ReadsAudioOnBothSides()
    {
        bool found = UsageJsonReader.TryRead(Utf8(ChatAudioBody), LlmApi.ChatCompletions, out TokenUsage usage);

        Assert.That(found, Is.True);
        Assert.That(usage, Is.EqualTo(new TokenUsage(120, 300, CachedInputTokens: 16, AudioInputTokens: 100, AudioOutputTokens: 280)));
    }

    [Test]
    public void TryRead_ResponsesBodyWithAudio_ReadsAudioFromTheResponsesNames()
    {
        const string Body = """
            {"object":"response","model":"gpt-4o-mini","output":[],"usage":{"input_tokens":90,"input_tokens_details":{"cached_tokens":10,"audio_tokens":30},
             "output_tokens":40,"output_tokens_details":{"reasoning_tokens":5,"audio_tokens":12},"total_tokens":130}}
            """;

        bool found = UsageJsonReader.TryRead(Utf8(Body), LlmApi.Responses, out TokenUsage usage);

        Assert.That(found, Is.True);
        Assert.That(usage, Is.EqualTo(new TokenUsage(90, 40, CachedInputTokens: 10, ReasoningTokens: 5, AudioInputTokens: 30, AudioOutputTokens: 12)));
    }

    [Test]
    public void TryRead_ChatNamesInAResponsesBody_AreNotRead()
    {
        // Responses says input_tokens/output_tokens; prompt_tokens there is not its counter (and the reverse for chat).
        bool responses = UsageJsonReader.TryRead("""{"usage":{"prompt_tokens":7,"completion_tokens":3}}"""u8, LlmApi.Responses, out TokenUsage fromResponses);
        bool chat = UsageJsonReader.TryRead("""{"usage":{"input_tokens":7,"output_tokens":3,"input_tokens_details":{"cached_tokens":2}}}"""u8, LlmApi.ChatCompletions, out TokenUsage fromChat);

        Assert.That(responses && chat, Is.True);
        Assert.That(fromResponses, Is.EqualTo(new TokenUsage(0, 0)));
        Assert.That(fromChat, Is.EqualTo(new TokenUsage(0, 0)));
    }

    [Test]
    public void TryRead_AnthropicBodyWithOneHourWritesAndWebSearches_ReadsThem()
    {
        bool found = UsageJsonReader.TryRead(Utf8(AnthropicFullBody), LlmApi.Messages, out TokenUsage usage);

        Assert.That(found, Is.True);
        // input = 50 uncached + 1000 read + 2000 written.
        Assert.That(usage, Is.EqualTo(new TokenUsage(
            3050, 300, CachedInputTokens: 1000, CacheCreationInputTokens: 2000, CacheCreationOneHourInputTokens: 500, ServerToolUses: 2)));
    }

    [Test]
    public void TryRead_AnthropicDetailObjectsOfTheWrongKind_AreIgnored()
    {
        const string Body = """
            {"usage":{"input_tokens":5,"cache_creation":null,"server_tool_use":[1],"output_tokens":6,"cache_read_input_tokens":"9"}}
            """;

        bool found = UsageJsonReader.TryRead(Utf8(Body), LlmApi.Messages, out TokenUsage usage);

        Assert.That(found, Is.True);
        Assert.That(usage, Is.EqualTo(new TokenUsage(5, 6)));
    }

    [Test]
    public void TryRead_AnthropicNamesOfOtherDetails_AreNotCounted()
    {
        // ephemeral_5m_input_tokens is part of cache_creation_input_tokens already; web_fetch_requests is not a search.
        const string Body = """
            {"usage":{"input_tokens":1,"output_tokens":1,"cache_creation":{"ephemeral_5m_input_tokens":40},"server_tool_use":{"web_fetch_requests":3}}}
            """;

        bool found = UsageJsonReader.TryRead(Utf8(Body), LlmApi.Messages, out TokenUsage usage);

        Assert.That(found, Is.True);
        Assert.That(usage, Is.EqualTo(new TokenUsage(1, 1)));
    }

    [Test]
    public void TryRead_OpenAIDetailOfAnotherName_IsNotCountedAsCachedOrReasoning()
    {
        const string Body = """
            {"usage":{"prompt_tokens":10,"completion_tokens":10,"prompt_tokens_details":{"text_tokens":10},"completion_tokens_details":{"accepted_prediction_tokens":4}}}
            """;

        bool found = UsageJsonReader.TryRead(Utf8(Body), LlmApi.ChatCompletions, out TokenUsage usage);

        Assert.That(found, Is.True);
        Assert.That(usage, Is.EqualTo(new TokenUsage(10, 10)));
    }

    [Test]
    public void TryReadEnvelope_WrapperPresentButNotAnObject_IsAWellFormedObjectWithoutUsage()
    {
        bool ok = UsageJsonReader.TryReadEnvelope(
            """{"type":"message_start","message":"text","usage":{"input_tokens":4}}"""u8, "message"u8, UsageDialect.Anthropic, readModel: false, out UsageEnvelope envelope);

        Assert.That(ok, Is.True);
        Assert.That(envelope.HasUsage, Is.False, "the top-level usage is not the wrapper's");
    }

    [Test]
    public void TryReadEnvelope_WrapperAfterOtherMembers_ReadsTheWrappersUsageAndModel()
    {
        bool ok = UsageJsonReader.TryReadEnvelope(
            """{"type":"message_start","usage":{"input_tokens":99},"message":{"id":"m","model":"claude-haiku-4-5","usage":{"input_tokens":4,"output_tokens":1}}}"""u8,
            "message"u8, UsageDialect.Anthropic, readModel: true, out UsageEnvelope envelope);

        Assert.That(ok && envelope.HasUsage, Is.True);
        Assert.That(envelope.Usage.ToTokenUsage(UsageDialect.Anthropic), Is.EqualTo(new TokenUsage(4, 1)));
        Assert.That(envelope.Model, Is.EqualTo("claude-haiku-4-5"));
    }

    [TestCase("""{"model":"","usage":{"prompt_tokens":1}}""")]
    [TestCase("""{"model":7,"usage":{"prompt_tokens":1}}""")]
    [TestCase("""{"model":null,"usage":{"prompt_tokens":1}}""")]
    public void TryRead_ModelEmptyOrNotAString_IsNull(string body)
    {
        bool found = UsageJsonReader.TryRead(Utf8(body), LlmApi.ChatCompletions, out TokenUsage usage, out string? model);

        Assert.That(found, Is.True);
        Assert.That(usage, Is.EqualTo(new TokenUsage(1, 0)));
        Assert.That(model, Is.Null);
    }

    [Test]
    public void TryRead_ModelWithoutUsage_GivesTheModelAndFalse()
    {
        bool found = UsageJsonReader.TryRead("""{"model":"gpt-4o","choices":[]}"""u8, LlmApi.ChatCompletions, out _, out string? model);

        Assert.That(found, Is.False);
        Assert.That(model, Is.EqualTo("gpt-4o"));
    }

    [Test]
    public void TryReadEnvelope_ChoicesWithAnEntry_AreNotEmpty()
    {
        bool ok = UsageJsonReader.TryReadEnvelope("""{"choices":[{"index":0}]}"""u8, default, UsageDialect.OpenAIChat, readModel: false, out UsageEnvelope envelope);

        Assert.That(ok, Is.True);
        Assert.That(envelope.HasChoices, Is.True);
        Assert.That(envelope.ChoicesEmpty, Is.False);
    }

    [Test]
    public void TryReadEnvelope_NoUsageMember_HasNoExtent()
    {
        bool ok = UsageJsonReader.TryReadEnvelope("""{"choices":"none"}"""u8, default, UsageDialect.OpenAIChat, readModel: false, out UsageEnvelope envelope);

        Assert.That(ok, Is.True);
        Assert.That(envelope.HasChoices, Is.False, "choices that is not an array");
        Assert.That((envelope.UsageMemberStart, envelope.UsageMemberEnd), Is.EqualTo((-1, -1)));
    }

    [Test]
    public void TryRead_ResponsesOutputNotAnArrayOrWithNonObjects_CountsNoSearch()
    {
        bool found = UsageJsonReader.TryRead(
            """{"output":[1,"web_search_call",[{"type":"web_search_call"}],{"kind":"web_search_call","type":"message"}],"usage":{"input_tokens":2,"output_tokens":1}}"""u8,
            LlmApi.Responses, out TokenUsage usage);
        bool alsoFound = UsageJsonReader.TryRead("""{"output":{"type":"web_search_call"},"usage":{"input_tokens":2,"output_tokens":1}}"""u8, LlmApi.Responses, out TokenUsage other);

        Assert.That(found && alsoFound, Is.True);
        Assert.That(usage, Is.EqualTo(new TokenUsage(2, 1)));
        Assert.That(other, Is.EqualTo(new TokenUsage(2, 1)));
    }

    [Test]
    public void TryRead_ResponsesSearchesWithoutUsage_ReportNothing()
    {
        bool found = UsageJsonReader.TryRead("""{"output":[{"type":"web_search_call"}]}"""u8, LlmApi.Responses, out TokenUsage usage);

        Assert.That(found, Is.False);
        Assert.That(usage, Is.EqualTo(default(TokenUsage)));
    }

    [Test]
    public void TryRead_CounterAboveLongRange_IsIgnored()
    {
        bool found = UsageJsonReader.TryRead("""{"usage":{"prompt_tokens":99999999999999999999,"completion_tokens":2}}"""u8, LlmApi.ChatCompletions, out TokenUsage usage);

        Assert.That(found, Is.True);
        Assert.That(usage, Is.EqualTo(new TokenUsage(0, 2)));
    }

    [Test]
    public void TryRead_ZeroCounters_AreZero()
    {
        bool found = UsageJsonReader.TryRead("""{"usage":{"prompt_tokens":0,"completion_tokens":0}}"""u8, LlmApi.ChatCompletions, out TokenUsage usage);

        Assert.That(found, Is.True);
        Assert.That(usage.IsEmpty, Is.True);
    }

    [Test]
    public void Update_LaterCountersPresent_ReplaceOnlyThoseCounters()
    {
        UsageParts earlier = Counters(1, UsageFields.Input | UsageFields.Output);

        foreach (UsageFields field in Enum.GetValues<UsageFields>().Where(f => f != UsageFields.None))
        {
            UsageParts parts = earlier;
            UsageParts later = Counters(10, field);

            parts.Update(later);

            long[] expected = [1, 2, 3, 4, 5, 6, 7, 8, 9];
            expected[BitIndex(field)] *= 10;
            TokenUsage usage = parts.ToTokenUsage(UsageDialect.OpenAIChat);
            long[] actual = [usage.InputTokens, usage.OutputTokens, usage.CachedInputTokens, usage.CacheCreationInputTokens, usage.ReasoningTokens,
                usage.CacheCreationOneHourInputTokens, usage.AudioInputTokens, usage.AudioOutputTokens, usage.ServerToolUses];
            Assert.That(actual, Is.EqualTo(expected), field.ToString());
            Assert.That(parts.Present, Is.EqualTo(UsageFields.Input | UsageFields.Output | field), field.ToString());
        }
    }

    [Test]
    public void ToTokenUsage_OpenAIDialects_KeepInputAsWritten_AnthropicAddsTheCacheCounters()
    {
        var parts = default(UsageParts);
        parts.Counter(UsageFields.Input) = 10;
        parts.Counter(UsageFields.Output) = 5;
        parts.Counter(UsageFields.CachedInput) = 3;
        parts.Counter(UsageFields.CacheCreation) = 2;

        Assert.That(parts.ToTokenUsage(UsageDialect.OpenAIChat).InputTokens, Is.EqualTo(10));
        Assert.That(parts.ToTokenUsage(UsageDialect.OpenAIResponses).InputTokens, Is.EqualTo(10));
        Assert.That(parts.ToTokenUsage(UsageDialect.Anthropic).InputTokens, Is.EqualTo(15));
    }

    /// <summary>Parts whose nine counters are <paramref name="scale"/> times 1 to 9, in the order of their flags.</summary>
    private static UsageParts Counters(long scale, UsageFields present)
    {
        var parts = new UsageParts { Present = present };
        for (int slot = 0; slot < 9; slot++)
        {
            parts.Counter((UsageFields)(1 << slot)) = scale * (slot + 1);
        }

        return parts;
    }

    private static int BitIndex(UsageFields field) => System.Numerics.BitOperations.TrailingZeroCount((int)field);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
