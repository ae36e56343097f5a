using System.Buffers;
using System.Text;
using IronRuntime.Router;
using IronRuntime.Router.Streaming;

namespace IronRuntime.Tests.Streaming;

public sealed class SseUsageAccumulatorTests
{
    [TestCase(LlmApi.ChatCompletions)]
    [TestCase(LlmApi.Responses)]
    [TestCase(LlmApi.Messages)]
    public void Feed_CompleteSampleStream_ReportsTheProviderUsage(LlmApi api)
    {
        var accumulator = new SseUsageAccumulator(api);

        FeedAll(accumulator, SseSamples.For(api));

        Assert.Multiple(() =>
        {
            Assert.That(accumulator.Usage, Is.EqualTo(SseSamples.UsageFor(api)));
            Assert.That(accumulator.Reported, Is.True);
            Assert.That(accumulator.SawTerminalEvent, Is.True);
            Assert.That(accumulator.SawError, Is.False);
            Assert.That(accumulator.Model, Is.EqualTo(SseSamples.ModelFor(api)));
            Assert.That(accumulator.EstimateUsage(null), Is.EqualTo(accumulator.Usage));
        });
    }

    [TestCase(LlmApi.ChatCompletions, 8)]
    [TestCase(LlmApi.Responses, 6)]
    [TestCase(LlmApi.Messages, 6)]
    public void Feed_CompleteSampleStream_CountsContentEvents(LlmApi api, int expected)
    {
        var accumulator = new SseUsageAccumulator(api);

        FeedAll(accumulator, SseSamples.For(api));

        Assert.That(accumulator.ContentEvents, Is.EqualTo(expected));
    }

    [Test]
    public void Feed_ChatStreamWithoutUsage_EstimatesOutputFromTheForwardedText()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.ChatCompletions);

        FeedAll(accumulator, SseSamples.OpenAiChat(includeUsage: false));

        Assert.Multiple(() =>
        {
            Assert.That(accumulator.Reported, Is.False);
            Assert.That(accumulator.SawTerminalEvent, Is.True);
            Assert.That(accumulator.Usage, Is.EqualTo(default(TokenUsage)));
            // A model without a tokenizer: the text's UTF-8 bytes, "Hi" 2, " there" 6, "! Caf\u00e9" 7, " \u4e2d\u6587" 7,
            // " \U0001F600" 5, " \"usage\":null" 13, ", usage" 7, " done." 6.
            Assert.That(accumulator.EstimateUsage("my-finetune"), Is.EqualTo(new TokenUsage(0, 53)));
        });
    }

    [Test]
    public void Feed_AnthropicCutBeforeMessageDelta_KeepsInputAndEstimatesOutput()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.Messages);
        string sample = SseSamples.Anthropic();
        string cut = sample[..sample.IndexOf("event: content_block_stop", StringComparison.Ordinal)];

        FeedAll(accumulator, cut);

        Assert.Multiple(() =>
        {
            Assert.That(accumulator.Reported, Is.False);
            Assert.That(accumulator.SawTerminalEvent, Is.False);
            Assert.That(accumulator.Usage, Is.EqualTo(SseSamples.AnthropicUsage with { OutputTokens = 1 }));
            // Claude has no public tokenizer: the UTF-8 bytes of the six deltas (7 + 3 + 5 + 7 + 5 + 1).
            Assert.That(accumulator.EstimateUsage(null), Is.EqualTo(SseSamples.AnthropicUsage with { OutputTokens = 28 }));
        });
    }

    [Test]
    public void EstimateUsage_ChatStreamCut_IsTheTokensOfTheForwardedTextNotTheChunkCount()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.ChatCompletions);
        for (int i = 0; i < 20; i++)
        {
            string text = (i == 0 ? string.Empty : " ") + "The quick brown fox jumps over the lazy dog.";
            Feed(accumulator, null, "{\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"}}]}");
        }

        // 10 tokens a sentence in o200k_base; 20 chunks.
        Assert.That(accumulator.EstimateUsage("gpt-4o-mini"), Is.EqualTo(new TokenUsage(0, 200)));
    }

    [Test]
    public void EstimateUsage_ResponsesStreamCut_CountsTextAndToolArgumentDeltas()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.Responses);

        Feed(accumulator, "response.output_text.delta", """{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"The quick brown fox jumps over the lazy dog."}""");
        Feed(accumulator, "response.function_call_arguments.delta", """{"type":"response.function_call_arguments.delta","item_id":"fc_1","output_index":1,"delta":"123456789012"}""");

        // 10 tokens for the sentence, then 123|456|789|012 (o200k_base splits digits in threes): 14, not 2 events.
        Assert.That(accumulator.EstimateUsage("gpt-4o"), Is.EqualTo(new TokenUsage(0, 14)));
    }

    [Test]
    public void EstimateUsage_AnthropicStreamCut_CountsThinkingToolInputAndTextButNotSignatures()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.Messages);

        Feed(accumulator, "content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me think"}}""");
        Feed(accumulator, "content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIM"}}""");
        Feed(accumulator, "content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\": \"Paris\"}"}}""");
        Feed(accumulator, "content_block_delta", """{"type":"content_block_delta","index":2,"delta":{"type":"text_delta","text":"Done."}}""");

        // UTF-8 bytes (Claude has no public tokenizer): "Let me think" 12 + {"city": "Paris"} 17 + "Done." 5.
        Assert.That(accumulator.EstimateUsage("claude-sonnet-4-5"), Is.EqualTo(new TokenUsage(0, 34)));
    }

    [Test]
    public void Feed_AnthropicMessageDeltas_TakeTheLatestCumulativeOutput()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.Messages);

        Feed(accumulator, "message_start", """{"type":"message_start","message":{"model":"claude-haiku-4-5","usage":{"input_tokens":10,"output_tokens":1}}}""");
        Feed(accumulator, "message_delta", """{"type":"message_delta","delta":{},"usage":{"output_tokens":5}}""");
        Feed(accumulator, "message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":9}}""");

        Assert.That(accumulator.Usage, Is.EqualTo(new TokenUsage(10, 9)));
        Assert.That(accumulator.Reported, Is.True);
    }

    [Test]
    public void Feed_AnthropicMessageDeltaWithInputCounters_UpdatesInput()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.Messages);

        Feed(accumulator, "message_start", """{"type":"message_start","message":{"usage":{"input_tokens":10,"cache_read_input_tokens":0,"output_tokens":1}}}""");
        Feed(accumulator, "message_delta", """{"type":"message_delta","delta":{},"usage":{"input_tokens":30,"cache_read_input_tokens":100,"output_tokens":7,"server_tool_use":{"web_search_requests":1}}}""");

        Assert.That(accumulator.Usage, Is.EqualTo(new TokenUsage(130, 7, CachedInputTokens: 100, ServerToolUses: 1)));
    }

    [Test]
    public void Feed_EventsWithoutNames_FallBackToTheTypeMember()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.Messages);

        Feed(accumulator, null, """{"type": "message_start", "message": {"usage": {"input_tokens": 4, "output_tokens": 1}}}""");
        Feed(accumulator, null, """{"type":"message_delta","delta":{},"usage":{"output_tokens":2}}""");
        Feed(accumulator, null, """{"type":"message_stop"}""");

        Assert.That(accumulator.Usage, Is.EqualTo(new TokenUsage(4, 2)));
        Assert.That(accumulator.SawTerminalEvent, Is.True);
    }

    [Test]
    public void Feed_AnthropicErrorEvent_IsNotTerminal()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.Messages);

        Feed(accumulator, "error", """{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}""");

        Assert.That(accumulator.SawError, Is.True);
        Assert.That(accumulator.SawTerminalEvent, Is.False);
    }

    [TestCase("response.incomplete", true, false)]
    [TestCase("response.failed", false, true)]
    public void Feed_ResponsesEndingEvents_ReadUsageAndSetFlags(string type, bool terminal, bool error)
    {
        var accumulator = new SseUsageAccumulator(LlmApi.Responses);

        Feed(accumulator, type, "{\"type\":\"" + type + "\",\"sequence_number\":9,\"response\":{\"model\":\"gpt-4.1\",\"usage\":{\"input_tokens\":20,\"output_tokens\":16}}}");

        Assert.That(accumulator.Usage, Is.EqualTo(new TokenUsage(20, 16)));
        Assert.That(accumulator.SawTerminalEvent, Is.EqualTo(terminal));
        Assert.That(accumulator.SawError, Is.EqualTo(error));
    }

    [TestCase("""{"id":"a","choices":[{"index":0}],"usage":null}""", """{"id":"a","choices":[{"index":0}]}""")]
    [TestCase("""{"usage":null,"id":"a"}""", """{"id":"a"}""")]
    [TestCase("""{"usage":null}""", "{}")]
    [TestCase("""{"id":"a" , "usage" :  null }""", """{"id":"a"  }""")]
    [TestCase("""{"id":"a","choices":[{"delta":{"content":"x"}}],"usage":{"prompt_tokens":1}}""", """{"id":"a","choices":[{"delta":{"content":"x"}}]}""")]
    public void Feed_ChatChunkWithUsageMember_ReportsACutThatLeavesValidJson(string chunk, string expected)
    {
        var accumulator = new SseUsageAccumulator(LlmApi.ChatCompletions);

        SseEventFacts facts = Feed(accumulator, null, chunk);

        string remaining = chunk.Remove(facts.UsageCutStart, facts.UsageCutLength);
        Assert.That(remaining, Is.EqualTo(expected));
    }

    [Test]
    public void Feed_ChatContentThatLooksLikeUsage_IsNotCut()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.ChatCompletions);
        Feed(accumulator, null, """{"model":"m","choices":[],"usage":null}""");

        SseEventFacts facts = Feed(accumulator, null, """{"choices":[{"delta":{"content":"\"usage\":null"}}]}""");

        Assert.That(facts.UsageCutLength, Is.Zero);
    }

    [Test]
    public void Feed_ChatUsageChunk_IsFlaggedUsageOnly()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.ChatCompletions);

        SseEventFacts facts = Feed(accumulator, null, """{"id":"x","model":"m","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2}}""");

        Assert.That(facts.IsUsageOnlyChunk, Is.True);
        Assert.That(facts.UsageUpdated, Is.True);
        Assert.That(accumulator.Usage, Is.EqualTo(new TokenUsage(3, 2)));
    }

    [Test]
    public void Feed_MalformedChunks_AreIgnored()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.ChatCompletions);

        Assert.That(() => Feed(accumulator, null, """{"choices":[],"usage":{"prompt_tokens":"""), Throws.Nothing);
        Assert.That(() => Feed(accumulator, null, "not json"), Throws.Nothing);
        Assert.That(accumulator.Reported, Is.False);
    }

    [NonParallelizable] // allocation counts: no other test may share the thread pool or the array pools meanwhile
    [Test]
    public void Feed_SteadyStateChunks_AllocateNothingWhileTheTextBufferHasRoom()
    {
        var accumulator = new SseUsageAccumulator(LlmApi.ChatCompletions);
        byte[] first = Encoding.UTF8.GetBytes("""{"id":"c","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":""}}],"usage":null}""");
        byte[] chunk = Encoding.UTF8.GetBytes("""{"id":"c","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}],"usage":null}""");
        accumulator.Feed(default, first);

        // The kept text grows its pooled buffer by doubling; 250 chunks (1,250 bytes) bring it to 2 KiB, where the 100
        // measured ones (500 bytes more) fit.
        for (int i = 0; i < 250; i++)
        {
            accumulator.Feed(default, chunk);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            accumulator.Feed(default, chunk);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    public void Feed_UnnamedEventsWithANestedTypeBeforeTheirOwn_TakeTheTopLevelType()
    {
        // Events sent without an event: line; JSON does not order members, so a nested "type" may come first.
        var messages = new SseUsageAccumulator(LlmApi.Messages);
        var responses = new SseUsageAccumulator(LlmApi.Responses);

        Feed(messages, null, """{"index":0,"delta":{"type":"text_delta","text":"Hello"},"type":"content_block_delta"}""");
        Feed(messages, null, """{"delta":{"type":"end_turn"},"type":"message_stop"}""");
        Feed(responses, null, """{"item":{"type":"message"},"type":"response.output_text.delta","output_index":0,"content_index":0,"delta":"Hi there"}""");

        Assert.Multiple(() =>
        {
            Assert.That(messages.ContentEvents, Is.EqualTo(1));
            Assert.That(messages.SawTerminalEvent, Is.True);
            Assert.That(responses.ContentEvents, Is.EqualTo(1));
            // Unknown models are counted as UTF-8 bytes: "Hello" 5, "Hi there" 8.
            Assert.That(messages.EstimateUsage("my-model").OutputTokens, Is.EqualTo(5));
            Assert.That(responses.EstimateUsage("my-model").OutputTokens, Is.EqualTo(8));
        });
    }

    private static void FeedAll(SseUsageAccumulator accumulator, string stream)
    {
        var reader = new SseEventReader();
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(stream));
        while (reader.TryReadEvent(ref buffer, out SseEvent evt) == SseReadStatus.Event)
        {
            if (evt.HasData)
            {
                byte[] data = new byte[evt.DataLength];
                evt.CopyDataTo(data);
                accumulator.Feed(evt.Name.ToArray(), data);
            }
        }
    }

    private static SseEventFacts Feed(SseUsageAccumulator accumulator, string? name, string data)
        => accumulator.Feed(name is null ? default : Encoding.UTF8.GetBytes(name), Encoding.UTF8.GetBytes(data));
}
