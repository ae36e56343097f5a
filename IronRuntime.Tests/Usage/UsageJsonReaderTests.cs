using System.Text;
using IronRuntime.Router;
using IronRuntime.Router.Usage;

namespace IronRuntime.Tests.Usage;

public sealed class UsageJsonReaderTests
{
    private const string ChatBody = """
        {
          "id": "chatcmpl-C0nA7dVb2kQyH5sLmR8tZ1xW3eJ9f",
          "object": "chat.completion",
          "created": 1754550123,
          "model": "gpt-4o-2024-08-06",
          "choices": [
            {
              "index": 0,
              "message": {
                "role": "assistant",
                "content": "The \"usage\": {\"prompt_tokens\": 1} text is not usage. Caf\u00e9 \u4e2d \ud83d\ude00",
                "refusal": null,
                "annotations": []
              },
              "logprobs": null,
              "finish_reason": "stop"
            }
          ],
          "usage": {
            "prompt_tokens": 2006,
            "completion_tokens": 300,
            "total_tokens": 2306,
            "prompt_tokens_details": { "cached_tokens": 1920, "audio_tokens": 0 },
            "completion_tokens_details": { "reasoning_tokens": 128, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0 }
          },
          "service_tier": "default",
          "system_fingerprint": "fp_07871e2ad8"
        }
        """;

    private const string ResponsesBody = """
        {"id":"resp_68a1f3c2b4e08190a9d3c5e7f1b2a4c6","object":"response","created_at":1754550000,"status":"completed","background":false,"error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"model":"o4-mini-2025-04-16","output":[{"id":"rs_1","type":"reasoning","summary":[]},{"id":"msg_1","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"42"}],"role":"assistant"}],"parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":"medium","summary":null},"store":true,"temperature":1.0,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[{"type":"function","name":"f","parameters":{"type":"object","properties":{"usage":{"type":"string"}}}}],"top_p":1.0,"truncation":"disabled","usage":{"input_tokens":1290,"input_tokens_details":{"cached_tokens":1152},"output_tokens":82,"output_tokens_details":{"reasoning_tokens":64},"total_tokens":1372},"user":null,"metadata":{}}
        """;

    private const string EmbeddingsBody = """
        {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.0023064255,-0.009327292,0.015797347,-0.0077780345]}],"model":"text-embedding-3-small","usage":{"prompt_tokens":8,"total_tokens":8}}
        """;

    private const string AnthropicBody = """
        {"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"Let me check."},{"type":"tool_use","id":"toolu_01","name":"lookup","input":{"usage":{"input_tokens":999999}}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":21,"cache_creation_input_tokens":188,"cache_read_input_tokens":4096,"cache_creation":{"ephemeral_5m_input_tokens":188,"ephemeral_1h_input_tokens":0},"output_tokens":57,"service_tier":"standard"}}
        """;

    [Test]
    public void TryRead_ChatCompletionsBody_ReadsAllCounters()
    {
        bool found = UsageJsonReader.TryRead(Utf8(ChatBody), LlmApi.ChatCompletions, out TokenUsage usage, out string? model);

        Assert.That(found, Is.True);
        Assert.That(usage, Is.EqualTo(new TokenUsage(2006, 300, CachedInputTokens: 1920, ReasoningTokens: 128)));
        Assert.That(model, Is.EqualTo("gpt-4o-2024-08-06"));
    }

    [Test]
    public void TryRead_ResponsesBody_ReadsTopLevelUsageNotNestedLookalikes()
    {
        bool found = UsageJsonReader.TryRead(Utf8(ResponsesBody), LlmApi.Responses, out TokenUsage usage, out string? model);

        Assert.That(found, Is.True);
        Assert.That(usage, Is.EqualTo(new TokenUsage(1290, 82, CachedInputTokens: 1152, ReasoningTokens: 64)));
        Assert.That(model, Is.EqualTo("o4-mini-2025-04-16"));
    }

    [Test]
    public void TryRead_EmbeddingsBody_HasNoOutput()
    {
        bool found = UsageJsonReader.TryRead(Utf8(EmbeddingsBody), LlmApi.Embeddings, out TokenUsage usage, out string? model);

        Assert.That(found, Is.True);
        Assert.That(usage, Is.EqualTo(new TokenUsage(8, 0)));
        Assert.That(model, Is.EqualTo("text-embedding-3-small"));
    }

    [Test]
    public void TryRead_AnthropicBody_AddsCacheCountersToInput()
    {
        bool found = UsageJsonReader.TryRead(Utf8(AnthropicBody), LlmApi.Messages, out TokenUsage usage, out string? model);

        Assert.That(found, Is.True);
        Assert.That(usage, Is.EqualTo(new TokenUsage(21 + 4096 + 188, 57, CachedInputTokens: 4096, CacheCreationInputTokens: 188)));
        Assert.That(model, Is.EqualTo("claude-sonnet-4-5-20250929"));
    }

    [Test]
    public void TryRead_WithoutModel_ReturnsSameUsage()
    {
        bool found = UsageJsonReader.TryRead(Utf8(ChatBody), LlmApi.ChatCompletions, out TokenUsage usage);

        Assert.That(found, Is.True);
        Assert.That(usage.InputTokens, Is.EqualTo(2006));
    }

    [TestCase("""{"model":"m","usage":{"prompt_tokens":5}}""", 5, 0)]
    [TestCase("""{"usage":{"prompt_tokens":5,"completion_tokens":null,"prompt_tokens_details":null}}""", 5, 0)]
    [TestCase("""{"usage":{"completion_tokens":3,"prompt_tokens_details":{"cached_tokens":null}}}""", 0, 3)]
    [TestCase("""{"usage":{"prompt_tokens":"7","completion_tokens":-1,"extra":{"a":[1,{"b":2}]}}}""", 0, 0)]
    [TestCase("""{"usage":{}}""", 0, 0)]
    public void TryRead_MissingOrNullCounters_CountAsZero(string json, long input, long output)
    {
        bool found = UsageJsonReader.TryRead(Utf8(json), LlmApi.ChatCompletions, out TokenUsage usage);

        Assert.That(found, Is.True);
        Assert.That(usage, Is.EqualTo(new TokenUsage(input, output)));
    }

    [TestCase("""{"id":"x","choices":[]}""")]
    [TestCase("""{"usage":null}""")]
    [TestCase("""{"usage":42}""")]
    [TestCase("""{"usage":[1,2]}""")]
    public void TryRead_NoUsageObject_ReturnsFalse(string json)
    {
        bool found = UsageJsonReader.TryRead(Utf8(json), LlmApi.ChatCompletions, out TokenUsage usage, out _);

        Assert.That(found, Is.False);
        Assert.That(usage, Is.EqualTo(default(TokenUsage)));
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("null")]
    [TestCase("[1,2,3]")]
    [TestCase("\"usage\"")]
    [TestCase("{\"usage\":{\"prompt_tokens\":5")]
    [TestCase("{\"usage\":{\"prompt_tokens\":5,}}")]
    [TestCase("{\"model\":\"gpt\",\"usage\":{\"prompt_tokens\":}}")]
    [TestCase("{'usage':{'prompt_tokens':5}}")]
    [TestCase("{\"a\":1}}}}")]
    [TestCase("data: {\"usage\":{\"prompt_tokens\":5}}")]
    public void TryRead_MalformedJson_ReturnsFalseWithoutThrowing(string json)
    {
        bool found = true;
        Assert.That(() => found = UsageJsonReader.TryRead(Utf8(json), LlmApi.ChatCompletions, out _, out _), Throws.Nothing);
        Assert.That(found, Is.False);
    }

    [Test]
    public void TryRead_InvalidUtf8InModel_ReturnsFalseWithoutThrowing()
    {
        byte[] json = [.. Utf8("{\"model\":\""), 0xC3, 0x28, .. Utf8("\",\"usage\":{\"prompt_tokens\":1}}")];

        Assert.That(() => UsageJsonReader.TryRead(json, LlmApi.ChatCompletions, out _, out _), Throws.Nothing);
    }

    [Test]
    public void TryRead_BodyTruncatedAfterUsage_ReturnsFalse()
    {
        const string Json = "{\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2},\"model\":\"m\",\"choices\":[";

        bool found = UsageJsonReader.TryRead(Utf8(Json), LlmApi.ChatCompletions, out TokenUsage usage);

        Assert.That(found, Is.False);
        Assert.That(usage, Is.EqualTo(default(TokenUsage)));
    }

    [Test]
    public void TryRead_UnknownApi_ReturnsFalse()
    {
        Assert.That(UsageJsonReader.TryRead(Utf8(ChatBody), LlmApi.Unknown, out _), Is.False);
    }

    [Test]
    public void TryRead_EscapedPropertyNames_AreRecognised()
    {
        const string Json = "{\"us\\u0061ge\":{\"prompt_tokens\":3,\"completion_tokens\":4}}";

        Assert.That(UsageJsonReader.TryRead(Utf8(Json), LlmApi.ChatCompletions, out TokenUsage usage), Is.True);
        Assert.That(usage, Is.EqualTo(new TokenUsage(3, 4)));
    }

    [Test]
    public void TryReadEnvelope_UsageMember_ReportsItsExtent()
    {
        const string Json = "{\"id\":\"x\",\"choices\":[],\"usage\":{\"prompt_tokens\":1},\"z\":0}";

        bool ok = UsageJsonReader.TryReadEnvelope(Utf8(Json), default, UsageDialect.OpenAIChat, readModel: false, out UsageEnvelope envelope);

        Assert.That(ok, Is.True);
        Assert.That(envelope.ChoicesEmpty, Is.True);
        Assert.That(Json[envelope.UsageMemberStart..envelope.UsageMemberEnd], Is.EqualTo("\"usage\":{\"prompt_tokens\":1}"));
    }

    [NonParallelizable] // allocation counts: no other test may share the thread pool or the array pools meanwhile
    [Test]
    public void TryRead_ReadsWithoutAllocatingWhenModelNotAsked()
    {
        byte[] json = Utf8(ResponsesBody);
        UsageJsonReader.TryRead(json, LlmApi.Responses, out _); // warm up

        long before = GC.GetAllocatedBytesForCurrentThread();
        UsageJsonReader.TryRead(json, LlmApi.Responses, out TokenUsage usage);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(usage.OutputTokens, Is.EqualTo(82));
        Assert.That(allocated, Is.Zero);
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private const string ResponsesWithSearches = """
        {"id":"resp_1","object":"response","model":"gpt-4.1","output":[
          {"type":"web_search_call","id":"ws_1","status":"completed","action":{"type":"search","query":"weather"}},
          {"type":"web_search_call","id":"ws_2","status":"completed"},
          {"type":"message","id":"msg_1","role":"assistant","content":[{"type":"output_text","text":"web_search_call"}]}],
         "usage":{"input_tokens":10,"output_tokens":5,"total_tokens":15}}
        """;

    [Test]
    public void TryRead_ResponsesWithWebSearchCalls_CountsEachAsAServerToolUse()
    {
        bool found = UsageJsonReader.TryRead(Encoding.UTF8.GetBytes(ResponsesWithSearches), LlmApi.Responses, out TokenUsage usage);

        Assert.Multiple(() =>
        {
            Assert.That(found, Is.True);
            Assert.That(usage, Is.EqualTo(new TokenUsage(10, 5, ServerToolUses: 2)), "two web_search_call items; text that names one is not one");
        });
    }

    [Test]
    public void TryReadEnvelope_ResponseCompletedEventWithWebSearchCalls_CountsThem()
    {
        string evt = "{\"type\":\"response.completed\",\"sequence_number\":9,\"response\":" + ResponsesWithSearches + "}";

        bool ok = UsageJsonReader.TryReadEnvelope(Encoding.UTF8.GetBytes(evt), "response"u8, UsageDialect.OpenAIResponses, readModel: false, out UsageEnvelope envelope);

        Assert.That(ok && envelope.HasUsage, Is.True);
        Assert.That(envelope.Usage.ToTokenUsage(UsageDialect.OpenAIResponses).ServerToolUses, Is.EqualTo(2));
    }

    [Test]
    public void TryRead_ChatBodies_DoNotCountOutputItems()
    {
        bool found = UsageJsonReader.TryRead("""{"output":[{"type":"web_search_call"}],"usage":{"prompt_tokens":1,"completion_tokens":1}}"""u8, LlmApi.ChatCompletions, out TokenUsage usage);

        Assert.That(found && usage.ServerToolUses == 0, Is.True);
    }

    [Test]
    public void TryRead_ResponsesWithBuiltInToolItems_CountsEachBilledKind()
    {
        // Two file searches; three code interpreter calls in two containers, one escaped id counted as its own;
        // images by quality and size, "auto" or missing ones under the plain kind; items named only in text are not items.
        const string body = """
            {"output":[
              {"type":"file_search_call","id":"fs_1","queries":["a"]},
              {"id":"fs_2","status":"completed","type":"file_search_call"},
              {"type":"code_interpreter_call","id":"ci_1","container_id":"cntr_a","code":"1"},
              {"container_id":"cntr_a","type":"code_interpreter_call","id":"ci_2"},
              {"type":"code_interpreter_call","id":"ci_3","container_id":"cntr_b"},
              {"type":"image_generation_call","id":"ig_1","quality":"high","size":"1024x1536","result":"AAAA"},
              {"type":"image_generation_call","id":"ig_2","size":"auto","quality":"low"},
              {"type":"image_generation_call","id":"ig_3"},
              {"type":"message","content":[{"type":"output_text","text":"file_search_call","size":"1x1"}]}],
             "usage":{"input_tokens":10,"output_tokens":5}}
            """;

        bool found = UsageJsonReader.TryRead(Encoding.UTF8.GetBytes(body), LlmApi.Responses, out TokenUsage usage);

        Assert.Multiple(() =>
        {
            Assert.That(found, Is.True);
            Assert.That(usage.ServerToolUses, Is.Zero);
            Assert.That(usage.ToolUses, Is.EquivalentTo(new Dictionary<string, long>
            {
                ["file_search"] = 2,
                ["code_interpreter"] = 2,
                ["image_generation.high.1024x1536"] = 1,
                ["image_generation"] = 2,
            }));
        });
    }
}
