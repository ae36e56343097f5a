using System.Buffers;
using System.Text;
using System.Text.Json;
using IronRuntime.Router;
using IronRuntime.Router.Streaming;
using IronRuntime.Router.Translation;
using IronRuntime.Router.Usage;
using IronRuntime.Tests.Streaming;

namespace IronRuntime.Tests.Translation;

/// <summary>Answers and streams both ways: text, tool calls, stop reasons, usage; the metering reads translated streams exactly.</summary>
public sealed class ResponseTranslationTests
{
    private const string AnthropicToolAnswer = """
        {"model":"claude-sonnet-4-5-20250929","id":"msg_01","type":"message","role":"assistant",
         "content":[{"type":"text","text":"Let me check."},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}],
         "stop_reason":"tool_use","stop_sequence":null,
         "usage":{"input_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":100,"output_tokens":30}}
        """;

    [Test]
    public void MessagesToChat_ToolUseAnswer_ToolCallsFinishReasonAndUsage()
    {
        byte[] chat = MessagesToChatResponse.Translate(Encoding.UTF8.GetBytes(AnthropicToolAnswer), 1_700_000_000);
        using var doc = JsonDocument.Parse(chat);
        var choice = doc.RootElement.GetProperty("choices")[0];
        var call = choice.GetProperty("message").GetProperty("tool_calls")[0];

        Assert.Multiple(() =>
        {
            Assert.That(doc.RootElement.GetProperty("object").GetString(), Is.EqualTo("chat.completion"));
            Assert.That(doc.RootElement.GetProperty("model").GetString(), Is.EqualTo("claude-sonnet-4-5-20250929"));
            Assert.That(doc.RootElement.GetProperty("created").GetInt64(), Is.EqualTo(1_700_000_000));
            Assert.That(choice.GetProperty("finish_reason").GetString(), Is.EqualTo("tool_calls"));
            Assert.That(choice.GetProperty("message").GetProperty("content").GetString(), Is.EqualTo("Let me check."));
            Assert.That(call.GetProperty("id").GetString(), Is.EqualTo("toolu_1"));
            Assert.That(call.GetProperty("function").GetProperty("arguments").GetString(), Is.EqualTo("""{"city":"Paris"}"""));
            Assert.That(UsageJsonReader.TryRead(chat, LlmApi.ChatCompletions, out var usage), Is.True);
            Assert.That(usage, Is.EqualTo(new TokenUsage(112, 30, CachedInputTokens: 100)));
        });
    }

    [TestCase("end_turn", "stop")]
    [TestCase("stop_sequence", "stop")]
    [TestCase("max_tokens", "length")]
    [TestCase("tool_use", "tool_calls")]
    [TestCase("refusal", "content_filter")]
    public void StopReasons_MapBothWays(string anthropic, string openAI)
    {
        Assert.That(StopReasons.ToChat(anthropic), Is.EqualTo(openAI));
        if (anthropic is not "stop_sequence")
        {
            Assert.That(StopReasons.ToAnthropic(openAI), Is.EqualTo(anthropic));
        }
    }

    [Test]
    public void ChatToMessages_ToolCallAnswer_BlocksStopReasonAndUsage()
    {
        const string chat = """
            {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-2024-08-06",
             "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
               {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},"finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":120,"completion_tokens":15,"total_tokens":135,"prompt_tokens_details":{"cached_tokens":100}}}
            """;

        byte[] message = ChatToMessagesResponse.Translate(Encoding.UTF8.GetBytes(chat));
        using var doc = JsonDocument.Parse(message);
        var block = doc.RootElement.GetProperty("content")[0];

        Assert.Multiple(() =>
        {
            Assert.That(doc.RootElement.GetProperty("type").GetString(), Is.EqualTo("message"));
            Assert.That(doc.RootElement.GetProperty("stop_reason").GetString(), Is.EqualTo("tool_use"));
            Assert.That(doc.RootElement.GetProperty("content").GetArrayLength(), Is.EqualTo(1));
            Assert.That(block.GetProperty("type").GetString(), Is.EqualTo("tool_use"));
            Assert.That(block.GetProperty("input").GetRawText(), Is.EqualTo("""{"city":"Paris"}"""));
            Assert.That(UsageJsonReader.TryRead(message, LlmApi.Messages, out var usage), Is.True);
            Assert.That(usage, Is.EqualTo(new TokenUsage(120, 15, CachedInputTokens: 100)));
        });
    }

    [Test]
    public void ErrorShapes_AnthropicErrorForOpenAIClient_KeepsTypeAndMessage()
    {
        byte[] openAI = ErrorShapes.Translate("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"""u8, toAnthropic: false);
        byte[] anthropic = ErrorShapes.Translate("""{"error":{"message":"Rate limit","type":"requests","param":null,"code":"rate_limit_exceeded"}}"""u8, toAnthropic: true);

        Assert.Multiple(() =>
        {
            Assert.That(Encoding.UTF8.GetString(openAI), Does.StartWith("""{"error":{"message":"Overloaded","type":"overloaded_error","""));
            Assert.That(Encoding.UTF8.GetString(anthropic), Does.StartWith("""{"type":"error","error":{"type":"requests","message":"Rate limit"""));
        });
    }

    [Test]
    public async Task Stream_AnthropicToChat_TextAndUsage_MeteredExactly([Values(1, 7, 4096)] int upstreamBytesPerRead, [Values] bool includeUsage)
    {
        var upstream = TestUpstream.Of(SseSamples.Bytes(SseSamples.Anthropic()), upstreamBytesPerRead);
        var call = new LlmCall("a", 0) { Api = LlmApi.ChatCompletions, IsStreaming = true, InjectedStreamUsage = !includeUsage };
        var completion = new RecordingCompletion();

        string output;
        using (var metered = new SseMeteringStream(new TranslatingSseStream(upstream, new MessagesToChatStream(1, includeUsage: true)), call, completion, pipeBufferSize: 64))
        {
            output = await new StreamReader(metered).ReadToEndAsync();
        }

        var chunks = Chunks(output);
        Assert.Multiple(() =>
        {
            Assert.That(string.Concat(chunks.Select(c => c.TryGetProperty("choices", out var ch) && ch.GetArrayLength() > 0 && ch[0].GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : null)),
                Is.EqualTo(string.Concat(SseSamples.AnthropicDeltas)));
            Assert.That(chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString(), Is.EqualTo("assistant"));
            Assert.That(chunks.Count(c => c.TryGetProperty("choices", out var ch) && ch.GetArrayLength() > 0 && ch[0].GetProperty("finish_reason").ValueKind == JsonValueKind.String), Is.EqualTo(1));
            Assert.That(output, Does.EndWith("data: [DONE]\n\n"));
            Assert.That(output.Contains("\"usage\"", StringComparison.Ordinal), Is.EqualTo(includeUsage), "usage the client did not ask for is removed");
            Assert.That(completion.SingleOutcome, Is.EqualTo(LlmCallOutcome.Succeeded));
            Assert.That(call.Usage, Is.EqualTo(SseSamples.AnthropicUsage with { CacheCreationInputTokens = 0 }), "cache writes are input tokens at the Chat rate");
            Assert.That(call.ResponseModel, Is.EqualTo("claude-sonnet-4-5-20250929"));
        });
    }

    [Test]
    public async Task Stream_AnthropicToolUseToChat_ToolCallDeltas()
    {
        string stream = Event("message_start", """{"type":"message_start","message":{"id":"msg_1","model":"claude-sonnet-4-5","usage":{"input_tokens":10,"output_tokens":1}}}""")
            + Event("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}}""")
            + Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"city\":"}}""")
            + Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"\"Paris\"}"}}""")
            + Event("content_block_stop", """{"type":"content_block_stop","index":0}""")
            + Event("message_delta", """{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":25}}""")
            + Event("message_stop", """{"type":"message_stop"}""");

        string output = await TranslateAsync(stream, new MessagesToChatStream(1, includeUsage: true));
        var chunks = Chunks(output);
        var calls = chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0 && c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("tool_calls", out _))
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0]).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(calls[0].GetProperty("id").GetString(), Is.EqualTo("toolu_1"));
            Assert.That(calls[0].GetProperty("function").GetProperty("name").GetString(), Is.EqualTo("get_weather"));
            Assert.That(string.Concat(calls.Select(c => c.GetProperty("function").GetProperty("arguments").GetString())), Is.EqualTo("""{"city":"Paris"}"""));
            Assert.That(calls.All(c => c.GetProperty("index").GetInt32() == 0), Is.True);
            Assert.That(output, Does.Contain("\"finish_reason\":\"tool_calls\""));
            Assert.That(output, Does.Contain("\"prompt_tokens\":10,\"completion_tokens\":25"));
        });
    }

    [Test]
    public async Task Stream_ChatToAnthropic_TextToolCallsAndUsage_MeteredExactly()
    {
        string stream = Data("""{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}""")
            + Data("""{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"Checking"},"finish_reason":null}],"usage":null}""")
            + Data("""{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}],"usage":null}""")
            + Data("""{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":\"Paris\"}"}}]},"finish_reason":null}],"usage":null}""")
            + Data("""{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}],"usage":null}""")
            + Data("""{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[],"usage":{"prompt_tokens":50,"completion_tokens":12,"total_tokens":62,"prompt_tokens_details":{"cached_tokens":20}}}""")
            + "data: [DONE]\n\n";
        var call = new LlmCall("a", 0) { Api = LlmApi.Messages, IsStreaming = true };
        var completion = new RecordingCompletion();

        string output;
        using (var metered = new SseMeteringStream(new TranslatingSseStream(TestUpstream.Of(Encoding.UTF8.GetBytes(stream), 5), new ChatToMessagesStream()), call, completion))
        {
            output = await new StreamReader(metered).ReadToEndAsync();
        }

        var events = output.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e.Split('\n')[0]["event: ".Length..]).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(events, Is.EqualTo(new[]
            {
                "message_start", "content_block_start", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop",
            }));
            Assert.That(output, Does.Contain("\"content_block\":{\"type\":\"tool_use\",\"id\":\"call_1\",\"name\":\"get_weather\",\"input\":{}}"));
            Assert.That(output, Does.Contain("\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\u0022city\\u0022:\\u0022Paris\\u0022}\"}"));
            Assert.That(output, Does.Contain("\"stop_reason\":\"tool_use\""));
            Assert.That(completion.SingleOutcome, Is.EqualTo(LlmCallOutcome.Succeeded));
            Assert.That(call.Usage, Is.EqualTo(new TokenUsage(50, 12, CachedInputTokens: 20)));
            Assert.That(call.UsageReported, Is.True);
        });
    }

    [Test]
    public async Task Stream_CutShort_IsNotCompletedByTheTranslation()
    {
        string sample = SseSamples.Anthropic();
        string cut = sample[..sample.IndexOf("event: message_stop", StringComparison.Ordinal)];

        string output = await TranslateAsync(cut, new MessagesToChatStream(1, includeUsage: false));

        Assert.That(output, Does.Not.Contain("[DONE]"));
    }

    private static string Event(string name, string json) => "event: " + name + "\ndata: " + json + "\n\n";

    private static string Data(string json) => "data: " + json + "\n\n";

    private static async Task<string> TranslateAsync(string upstream, ISseTranslator translator)
    {
        using var stream = new TranslatingSseStream(TestUpstream.Of(Encoding.UTF8.GetBytes(upstream), 3), translator);
        return await new StreamReader(stream).ReadToEndAsync();
    }

    private static List<JsonElement> Chunks(string output) => [.. output.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
        .Where(e => e.StartsWith("data: {", StringComparison.Ordinal))
        .Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement)];
}
