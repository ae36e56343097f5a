using System.Text;
using IronRuntime.Router;
using IronRuntime.Router.Streaming;

namespace IronRuntime.Tests.Streaming;

/// <summary>
/// What <see cref="SseUsageAccumulator"/> learns from single events of each API: the flags, the facts its caller acts
/// on, the model, and when a usage counts as reported. Event shapes from the providers' streaming references.
/// </summary>
public sealed class SseUsageAccumulatorEventTests
{
    [TestCase(LlmApi.Unknown)]
    public void Feed_ApiWithoutAStreamDialect_LearnsNothing(LlmApi api)
    {
        var accumulator = new SseUsageAccumulator(api);

        SseEventFacts facts = Feed(accumulator, "message_start", """{"type":"message_start","message":{"model":"m","usage":{"input_tokens":3,"output_tokens":1}}}""");
        Feed(accumulator, null, """{"model":"m","choices":[{"delta":{"content":"x"}}],"usage":{"prompt_tokens":1,"completion_tokens":1}}""");
        Feed(accumulator, null, "[DONE]");

        Assert.Multiple(() =>
        {
            Assert.That(facts.UsageUpdated, Is.False);
            Assert.That(accumulator.Reported, Is.False);
            Assert.That(accumulator.SawTerminalEvent, Is.False);
            Assert.That(accumulator.Model, Is.Null);
            Assert.That(accumulator.ContentEvents, Is.Zero);
            Assert.That(accumulator.Api, Is.EqualTo(api));
        });
    }

    [Test]
    public void Chat_Done_EndsTheStream_AndIsNoContent()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.ChatCompletions);

        SseEventFacts facts = Feed(accumulator, null, "[DONE]");

        Assert.Multiple(() =>
        {
            Assert.That(accumulator.SawTerminalEvent, Is.True);
            Assert.That(accumulator.SawError, Is.False);
            Assert.That(facts.UsageUpdated, Is.False);
            Assert.That(facts.UsageCutLength, Is.Zero);
            Assert.That(accumulator.ContentEvents, Is.Zero);
        });
    }

    [Test]
    public void Chat_ErrorEvent_IsMarked_AndIsNotTerminal()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.ChatCompletions);

        Feed(accumulator, null, """{"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}}""");

        Assert.Multiple(() =>
        {
            Assert.That(accumulator.SawError, Is.True);
            Assert.That(accumulator.SawTerminalEvent, Is.False);
        });
    }

    [Test]
    public void Chat_OrdinaryChunk_IsNoError()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.ChatCompletions);

        Feed(accumulator, null, """{"id":"c","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"error"}}]}""");

        Assert.That(accumulator.SawError, Is.False);
    }

    [Test]
    public void Chat_ModelOfTheFirstChunk_IsKept()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.ChatCompletions);

        Feed(accumulator, null, """{"id":"c","model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"role":"assistant","content":""}}],"usage":null}""");
        Feed(accumulator, null, """{"id":"c","model":"other-model","choices":[{"index":0,"delta":{"content":"Hi"}}],"usage":null}""");
        Feed(accumulator, null, """{"id":"c","model":"third-model","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}""");

        Assert.That(accumulator.Model, Is.EqualTo("gpt-4o-mini-2024-07-18"));
    }

    [Test]
    public void Chat_NullUsageChunk_UpdatesNothing_ButReportsTheCut()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.ChatCompletions);
        Feed(accumulator, null, """{"id":"c","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""}}],"usage":null}""");

        const string Chunk = """{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"Hi"}}],"usage":null}""";
        SseEventFacts facts = Feed(accumulator, null, Chunk);

        Assert.Multiple(() =>
        {
            Assert.That(facts.UsageUpdated, Is.False);
            Assert.That(facts.IsUsageOnlyChunk, Is.False);
            Assert.That(Chunk.Remove(facts.UsageCutStart, facts.UsageCutLength), Is.EqualTo("""{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"Hi"}}]}"""));
            Assert.That(accumulator.Reported, Is.False);
            Assert.That(accumulator.ContentEvents, Is.EqualTo(1));
        });
    }

    [Test]
    public void Chat_ChunkWithoutUsageMember_ReportsNoCut()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.ChatCompletions);

        SseEventFacts first = Feed(accumulator, null, """{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"Hi"}}]}""");
        SseEventFacts second = Feed(accumulator, null, """{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":" there"}}]}""");

        Assert.Multiple(() =>
        {
            Assert.That((first.UsageCutStart, first.UsageCutLength), Is.EqualTo((0, 0)));
            Assert.That((second.UsageCutStart, second.UsageCutLength), Is.EqualTo((0, 0)));
            Assert.That(accumulator.ContentEvents, Is.EqualTo(2));
        });
    }

    [Test]
    public void Chat_UsageInAChunkThatStillHasChoices_IsReported_ButNotUsageOnly_AndItsContentCounts()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.ChatCompletions);

        const string Chunk = """{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"Bye"},"finish_reason":"stop"}],"usage":{"prompt_tokens":7,"completion_tokens":3,"total_tokens":10}}""";
        SseEventFacts facts = Feed(accumulator, null, Chunk);

        Assert.Multiple(() =>
        {
            Assert.That(facts.UsageUpdated, Is.True);
            Assert.That(facts.IsUsageOnlyChunk, Is.False);
            Assert.That(accumulator.Reported, Is.True);
            Assert.That(accumulator.Usage, Is.EqualTo(new TokenUsage(7, 3)));
            Assert.That(accumulator.ContentEvents, Is.EqualTo(1));
            Assert.That(Chunk.Remove(facts.UsageCutStart, facts.UsageCutLength),
                Is.EqualTo("""{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"Bye"},"finish_reason":"stop"}]}"""));
        });
    }

    [Test]
    public void Chat_UsageChunk_ReportedUsageWins_OverTheTextEstimate()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.ChatCompletions);
        Feed(accumulator, null, """{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"a long answer of many bytes"}}],"usage":null}""");

        Feed(accumulator, null, """{"id":"c","model":"m","choices":[],"usage":{"prompt_tokens":4,"completion_tokens":2,"total_tokens":6}}""");

        Assert.That(accumulator.EstimateUsage("my-finetune"), Is.EqualTo(new TokenUsage(4, 2)), "the provider's count, not 27 bytes");
    }

    [TestCase("""{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\":1}"}}]}}]}""", 7)]
    [TestCase("""{"choices":[{"index":0,"delta":{"refusal":"No."}}]}""", 3)]
    [TestCase("""{"choices":[{"index":0,"delta":{"content":"Hi"}}]}""", 2)]
    public void Chat_ContentArgumentsOrRefusal_EachMakeAContentEvent_AndAreEstimated(string chunk, int bytes)
    {
        var accumulator = new SseUsageAccumulator(LlmApi.ChatCompletions);

        Feed(accumulator, null, chunk);

        Assert.Multiple(() =>
        {
            Assert.That(accumulator.ContentEvents, Is.EqualTo(1));
            Assert.That(accumulator.EstimateUsage("my-finetune"), Is.EqualTo(new TokenUsage(0, bytes)), "UTF-8 bytes of the text");
        });
    }

    [Test]
    public void Chat_ChunkWithoutText_IsNoContentEvent()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.ChatCompletions);

        Feed(accumulator, null, """{"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}""");
        Feed(accumulator, null, """{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""");

        Assert.That(accumulator.ContentEvents, Is.Zero);
    }

    [Test]
    public void EstimateUsage_WithoutAModel_UsesTheStreamsModel()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.ChatCompletions);
        Feed(accumulator, null, """{"id":"c","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"The quick brown fox jumps over the lazy dog."}}]}""");

        // 10 tokens in o200k_base (the OpenAI cookbook's example), 44 UTF-8 bytes.
        Assert.That(accumulator.EstimateUsage(string.Empty), Is.EqualTo(new TokenUsage(0, 10)));
    }

    [Test]
    public void EstimateUsage_WithAModel_UsesThatModel()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.ChatCompletions);
        Feed(accumulator, null, """{"id":"c","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"The quick brown fox jumps over the lazy dog."}}]}""");

        Assert.That(accumulator.EstimateUsage("my-finetune"), Is.EqualTo(new TokenUsage(0, 44)), "no tokenizer for the model sent to: bytes");
    }

    [Test]
    public void EstimateUsage_ReportedPartialOutputLargerThanTheText_IsKept()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.Messages);
        Feed(accumulator, "message_start", """{"type":"message_start","message":{"model":"claude-sonnet-4-5","usage":{"input_tokens":12,"output_tokens":50}}}""");
        Feed(accumulator, "content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}""");

        Assert.Multiple(() =>
        {
            Assert.That(accumulator.Reported, Is.False, "message_start's output count is not the final one");
            Assert.That(accumulator.EstimateUsage(null), Is.EqualTo(new TokenUsage(12, 50)));
        });
    }

    [Test]
    public void Responses_Delta_IsAContentEvent_EvenWithoutText()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.Responses);

        SseEventFacts facts = Feed(accumulator, "response.output_text.delta", """{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":""}""");

        Assert.Multiple(() =>
        {
            Assert.That(accumulator.ContentEvents, Is.EqualTo(1));
            Assert.That(facts.UsageUpdated, Is.False);
            Assert.That(accumulator.EstimateUsage("my-model"), Is.EqualTo(new TokenUsage(0, 1)), "at least one token per content event");
        });
    }

    [Test]
    public void Responses_DoneEvent_IsNoContent()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.Responses);

        Feed(accumulator, "response.output_text.done", """{"type":"response.output_text.done","item_id":"msg_1","output_index":0,"content_index":0,"text":"Hello"}""");

        Assert.That(accumulator.ContentEvents, Is.Zero);
    }

    [TestCase("response.created")]
    [TestCase("response.in_progress")]
    public void Responses_ModelFromTheFirstEvents_IsKept(string type)
    {
        var accumulator = new SseUsageAccumulator(LlmApi.Responses);

        Feed(accumulator, type, "{\"type\":\"" + type + "\",\"sequence_number\":0,\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"in_progress\",\"model\":\"gpt-4.1-2025-04-14\",\"usage\":null}}");
        Feed(accumulator, "response.in_progress", """{"type":"response.in_progress","sequence_number":1,"response":{"id":"resp_1","model":"other","usage":null}}""");

        Assert.Multiple(() =>
        {
            Assert.That(accumulator.Model, Is.EqualTo("gpt-4.1-2025-04-14"));
            Assert.That(accumulator.Reported, Is.False);
            Assert.That(accumulator.SawTerminalEvent, Is.False);
        });
    }

    [Test]
    public void Responses_OtherEvent_DoesNotSetTheModel()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.Responses);

        Feed(accumulator, "response.output_item.added", """{"type":"response.output_item.added","sequence_number":2,"output_index":0,"response":{"model":"not-this"},"item":{"type":"message"}}""");

        Assert.That(accumulator.Model, Is.Null);
    }

    [Test]
    public void Responses_Completed_ReportsUsageAndModel_AndEndsTheStream()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.Responses);

        SseEventFacts facts = Feed(accumulator, "response.completed", """{"type":"response.completed","sequence_number":9,"response":{"id":"resp_1","model":"gpt-4.1","usage":{"input_tokens":20,"input_tokens_details":{"cached_tokens":4},"output_tokens":16,"output_tokens_details":{"reasoning_tokens":6},"total_tokens":36}}}""");

        Assert.Multiple(() =>
        {
            Assert.That(facts.UsageUpdated, Is.True);
            Assert.That(facts.IsUsageOnlyChunk, Is.False);
            Assert.That(facts.UsageCutLength, Is.Zero);
            Assert.That(accumulator.Reported, Is.True);
            Assert.That(accumulator.SawTerminalEvent, Is.True);
            Assert.That(accumulator.SawError, Is.False);
            Assert.That(accumulator.Model, Is.EqualTo("gpt-4.1"));
            Assert.That(accumulator.Usage, Is.EqualTo(new TokenUsage(20, 16, CachedInputTokens: 4, ReasoningTokens: 6)));
        });
    }

    [Test]
    public void Responses_CompletedWithoutUsage_EndsTheStream_ButReportsNothing()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.Responses);

        SseEventFacts facts = Feed(accumulator, "response.completed", """{"type":"response.completed","sequence_number":9,"response":{"id":"resp_1","model":"gpt-4.1","usage":null}}""");

        Assert.Multiple(() =>
        {
            Assert.That(facts.UsageUpdated, Is.False);
            Assert.That(accumulator.Reported, Is.False);
            Assert.That(accumulator.SawTerminalEvent, Is.True);
            Assert.That(accumulator.Model, Is.EqualTo("gpt-4.1"));
        });
    }

    [Test]
    public void Responses_ErrorEvent_IsMarked_AndIsNotTerminal()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.Responses);

        Feed(accumulator, "error", """{"type":"error","sequence_number":3,"code":"server_error","message":"The server had an error.","param":null}""");

        Assert.Multiple(() =>
        {
            Assert.That(accumulator.SawError, Is.True);
            Assert.That(accumulator.SawTerminalEvent, Is.False);
        });
    }

    [Test]
    public void Responses_FailedAfterCompleted_KeepsTheStreamEnded()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.Responses);

        Feed(accumulator, "response.completed", """{"type":"response.completed","response":{"model":"gpt-4.1","usage":{"input_tokens":2,"output_tokens":1}}}""");
        Feed(accumulator, "response.failed", """{"type":"response.failed","response":{"model":"gpt-4.1","usage":null}}""");

        Assert.Multiple(() =>
        {
            Assert.That(accumulator.SawTerminalEvent, Is.True);
            Assert.That(accumulator.SawError, Is.True);
        });
    }

    [Test]
    public void Responses_IncompleteAfterFailed_KeepsTheError()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.Responses);

        Feed(accumulator, "response.failed", """{"type":"response.failed","response":{"model":"gpt-4.1","usage":null}}""");
        Feed(accumulator, "response.incomplete", """{"type":"response.incomplete","response":{"model":"gpt-4.1","usage":{"input_tokens":2,"output_tokens":1}}}""");

        Assert.Multiple(() =>
        {
            Assert.That(accumulator.SawError, Is.True);
            Assert.That(accumulator.SawTerminalEvent, Is.True);
        });
    }

    [Test]
    public void Messages_MessageStart_GivesInputAndModel_ButIsNotYetReported()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.Messages);

        SseEventFacts facts = Feed(accumulator, "message_start", """{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5-20250929","stop_reason":null,"usage":{"input_tokens":25,"output_tokens":1}}}""");

        Assert.Multiple(() =>
        {
            Assert.That(facts.UsageUpdated, Is.True);
            Assert.That(facts.UsageCutLength, Is.Zero);
            Assert.That(accumulator.Reported, Is.False);
            Assert.That(accumulator.Model, Is.EqualTo("claude-sonnet-4-5-20250929"));
            Assert.That(accumulator.Usage, Is.EqualTo(new TokenUsage(25, 1)));
        });
    }

    [Test]
    public void Messages_MessageStartWithoutUsage_UpdatesNothing()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.Messages);

        SseEventFacts facts = Feed(accumulator, "message_start", """{"type":"message_start","message":{"id":"msg_1","model":"claude-haiku-4-5"}}""");

        Assert.Multiple(() =>
        {
            Assert.That(facts.UsageUpdated, Is.False);
            Assert.That(accumulator.Model, Is.EqualTo("claude-haiku-4-5"));
        });
    }

    [Test]
    public void Messages_OutputWithoutMessageStartOrInput_IsNotReported()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.Messages);

        SseEventFacts facts = Feed(accumulator, "message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":9}}""");

        Assert.Multiple(() =>
        {
            Assert.That(facts.UsageUpdated, Is.True);
            Assert.That(accumulator.Reported, Is.False, "the input count never arrived");
            Assert.That(accumulator.Usage, Is.EqualTo(new TokenUsage(0, 9)));
        });
    }

    [Test]
    public void Messages_DeltaWithInputAndOutput_IsReported_EvenWithoutMessageStart()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.Messages);

        Feed(accumulator, "message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":11,"output_tokens":9}}""");

        Assert.Multiple(() =>
        {
            Assert.That(accumulator.Reported, Is.True);
            Assert.That(accumulator.Usage, Is.EqualTo(new TokenUsage(11, 9)));
        });
    }

    [Test]
    public void Messages_DeltaWithOnlyInputCounters_IsNotTheFinalOutput()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.Messages);
        Feed(accumulator, "message_start", """{"type":"message_start","message":{"model":"claude-haiku-4-5","usage":{"input_tokens":10,"output_tokens":1}}}""");
        Feed(accumulator, "content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello there"}}""");

        Feed(accumulator, "message_delta", """{"type":"message_delta","delta":{},"usage":{"input_tokens":10}}""");

        Assert.Multiple(() =>
        {
            Assert.That(accumulator.Reported, Is.False);
            Assert.That(accumulator.EstimateUsage(null), Is.EqualTo(new TokenUsage(10, 11)), "the text's 11 bytes, not message_start's 1");
        });
    }

    [Test]
    public void Messages_DeltaWithoutUsage_UpdatesNothing()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.Messages);

        SseEventFacts facts = Feed(accumulator, "message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn"}}""");

        Assert.Multiple(() =>
        {
            Assert.That(facts.UsageUpdated, Is.False);
            Assert.That(accumulator.Reported, Is.False);
        });
    }

    [Test]
    public void Messages_SecondMessageStart_DoesNotReplaceTheModel()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.Messages);

        Feed(accumulator, "message_start", """{"type":"message_start","message":{"model":"claude-haiku-4-5","usage":{"input_tokens":10,"output_tokens":1}}}""");
        Feed(accumulator, "message_start", """{"type":"message_start","message":{"model":"claude-other","usage":{"input_tokens":10,"output_tokens":1}}}""");

        Assert.That(accumulator.Model, Is.EqualTo("claude-haiku-4-5"));
    }

    [Test]
    public void Messages_ContentBlockDelta_WithTextPartialJsonOrThinking_IsOneContentEventEach()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.Messages);

        Feed(accumulator, "content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"abc"}}""");
        Feed(accumulator, "content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"de"}}""");
        Feed(accumulator, "content_block_delta", """{"type":"content_block_delta","index":2,"delta":{"type":"thinking_delta","thinking":"f"}}""");
        Feed(accumulator, "content_block_start", """{"type":"content_block_start","index":3,"content_block":{"type":"text","text":"not counted"}}""");
        Feed(accumulator, "ping", """{"type": "ping"}""");

        Assert.Multiple(() =>
        {
            Assert.That(accumulator.ContentEvents, Is.EqualTo(3));
            Assert.That(accumulator.SawTerminalEvent, Is.False);
            Assert.That(accumulator.SawError, Is.False);
            Assert.That(accumulator.EstimateUsage("claude-haiku-4-5"), Is.EqualTo(new TokenUsage(0, 6)), "3 + 2 + 1 UTF-8 bytes");
        });
    }

    [Test]
    public void Messages_OneDeltaWithTextAndPartialJson_CountsOnlyTheText()
    {
        // A delta carries one kind of text; the first found is the one counted.
        var accumulator = new SseUsageAccumulator(LlmApi.Messages);

        Feed(accumulator, "content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"abc","partial_json":"defgh"}}""");

        Assert.That(accumulator.EstimateUsage("claude-haiku-4-5"), Is.EqualTo(new TokenUsage(0, 3)));
    }

    [TestCase(" , ", """{"id":"a" }""")]
    [TestCase(",", """{"id":"a"}""")]
    [TestCase("\t,\n", "{\"id\":\"a\"\t}")]
    public void Chat_UsageMemberLast_CutTakesTheCommaBeforeIt(string separator, string expected)
    {
        var accumulator = new SseUsageAccumulator(LlmApi.ChatCompletions);
        string chunk = "{\"id\":\"a\"" + separator + "\"usage\":null}";

        SseEventFacts facts = Feed(accumulator, null, chunk);

        Assert.That(chunk.Remove(facts.UsageCutStart, facts.UsageCutLength), Is.EqualTo(expected));
    }

    [TestCase("{\"usage\":null ,\"id\":\"a\"}", "{\"id\":\"a\"}")]
    [TestCase("{ \"usage\":null\n,\n\"id\":\"a\"}", "{ \n\"id\":\"a\"}")]
    [TestCase("{\"usage\":null }", "{ }")]
    public void Chat_UsageMemberFirst_CutTakesTheCommaAfterIt(string chunk, string expected)
    {
        var accumulator = new SseUsageAccumulator(LlmApi.ChatCompletions);

        SseEventFacts facts = Feed(accumulator, null, chunk);

        Assert.That(chunk.Remove(facts.UsageCutStart, facts.UsageCutLength), Is.EqualTo(expected));
    }

    private static SseEventFacts Feed(SseUsageAccumulator accumulator, string? name, string data)
        => accumulator.Feed(name is null ? default : Encoding.UTF8.GetBytes(name), Encoding.UTF8.GetBytes(data));
}
