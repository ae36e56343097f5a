using System.Text;
using System.Text.Json;
using IronRuntime.Pii;
using IronRuntime.Router;
using IronRuntime.Router.Content;
using IronRuntime.Router.Streaming;
using IronRuntime.Tests.Pii;
using IronRuntime.Tests.Streaming;

namespace IronRuntime.Tests.Content;

/// <summary>The SSE surgery of the content stage on hand-written provider streams, split into tiny reads.</summary>
public sealed class SseContentFilterTests
{
    private const string ChatHead = """{"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[""";

    [Test]
    public async Task ChatToolArguments_ValueSplitAcrossChunks_RedactedAndJsonStaysValid()
    {
        string sse = Chunk("""{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"send","arguments":""}}]},"finish_reason":null}""")
            + Chunk("""{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"to\":\"jo"}}]},"finish_reason":null}""")
            + Chunk("""{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"hn@exa"}}]},"finish_reason":null}""")
            + Chunk("""{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"mple.com\"}"}}]},"finish_reason":null}""")
            + Chunk("""{"index":0,"delta":{},"finish_reason":"tool_calls"}""")
            + "data: [DONE]\n\n";

        var (output, outcome) = await RunAsync(LlmApi.ChatCompletions, sse);

        string arguments = string.Concat(DataOf(output).Where(d => d != "[DONE]").Select(d => Parse(d).RootElement.GetProperty("choices")[0].GetProperty("delta"))
            .Where(d => d.TryGetProperty("tool_calls", out _)).Select(d => d.GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString()));
        Assert.Multiple(() =>
        {
            Assert.That(arguments, Is.EqualTo("""{"to":"[EMAIL]"}"""));
            Assert.That(output, Does.Not.Contain("john").And.EndWith("data: [DONE]\n\n"));
            Assert.That(outcome, Is.EqualTo(LlmCallOutcome.Succeeded));
        });
    }

    [Test]
    public async Task ChatLegacyFunctionCallArguments_ValueSplitAcrossChunks_Redacted()
    {
        // The deprecated functions API streams choices[i].delta.function_call.arguments (no tool-call index).
        string sse = Chunk("""{"index":0,"delta":{"role":"assistant","function_call":{"name":"send","arguments":""}},"finish_reason":null}""")
            + Chunk("""{"index":0,"delta":{"function_call":{"arguments":"{\"to\":\"jo"}},"finish_reason":null}""")
            + Chunk("""{"index":0,"delta":{"function_call":{"arguments":"hn@exa"}},"finish_reason":null}""")
            + Chunk("""{"index":0,"delta":{"function_call":{"arguments":"mple.com\"}"}},"finish_reason":null}""")
            + Chunk("""{"index":0,"delta":{},"finish_reason":"function_call"}""")
            + "data: [DONE]\n\n";

        var (output, outcome) = await RunAsync(LlmApi.ChatCompletions, sse);

        string arguments = string.Concat(DataOf(output).Where(d => d != "[DONE]").Select(d => Parse(d).RootElement.GetProperty("choices")[0].GetProperty("delta"))
            .Where(d => d.TryGetProperty("function_call", out _)).Select(d => d.GetProperty("function_call").GetProperty("arguments").GetString()));
        Assert.Multiple(() =>
        {
            Assert.That(arguments, Is.EqualTo("""{"to":"[EMAIL]"}"""));
            Assert.That(output, Does.Not.Contain("john").And.EndWith("data: [DONE]\n\n"));
            Assert.That(outcome, Is.EqualTo(LlmCallOutcome.Succeeded));
        });
    }

    [Test]
    public async Task ChatContent_EscapedAtSign_DoesNotHideAnEmail()
    {
        string sse = Chunk("""{"index":0,"delta":{"content":"mail john\u0040example.com now"},"finish_reason":null}""")
            + Chunk("""{"index":0,"delta":{},"finish_reason":"stop"}""") + "data: [DONE]\n\n";

        var (output, _) = await RunAsync(LlmApi.ChatCompletions, sse);

        Assert.That(ChatText(output), Is.EqualTo("mail [EMAIL] now"));
        Assert.That(output, Does.Not.Contain("john"));
    }

    [Test]
    public async Task ChatContent_TwoChoicesInterleaved_EachHasItsOwnStream()
    {
        string sse = Chunk("""{"index":0,"delta":{"content":"a 415-55"},"finish_reason":null}""")
            + Chunk("""{"index":1,"delta":{"content":"b 123-45"},"finish_reason":null}""")
            + Chunk("""{"index":0,"delta":{"content":"5-0132"},"finish_reason":null}""")
            + Chunk("""{"index":1,"delta":{"content":"-6789"},"finish_reason":null}""")
            + Chunk("""{"index":0,"delta":{},"finish_reason":"stop"}""")
            + Chunk("""{"index":1,"delta":{},"finish_reason":"stop"}""") + "data: [DONE]\n\n";

        var (output, _) = await RunAsync(LlmApi.ChatCompletions, sse);

        Assert.That(ChatText(output, 0), Is.EqualTo("a [PHONE]"));
        Assert.That(ChatText(output, 1), Is.EqualTo("b [SSN]"));
    }

    [Test]
    public async Task AnthropicInputJsonDelta_ValueSplit_Redacted()
    {
        string sse = Event("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"t1","name":"f","input":{}}}""")
            + Event("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"card\": \"4111 1111"}}""")
            + Event("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":" 1111 1111\"}"}}""")
            + Event("content_block_stop", """{"type":"content_block_stop","index":1}""")
            + Event("message_stop", """{"type":"message_stop"}""");

        var (output, _) = await RunAsync(LlmApi.Messages, sse);

        string json = string.Concat(DataOf(output).Select(Parse).Where(d => d.RootElement.GetProperty("type").GetString() == "content_block_delta")
            .Select(d => d.RootElement.GetProperty("delta").GetProperty("partial_json").GetString()));
        Assert.That(json, Is.EqualTo("""{"card": "[CREDIT_CARD]"}"""));
    }

    [Test]
    public async Task MalformedEvent_FailClosed_EndsWithErrorEvent([Values] bool failClosed)
    {
        string sse = Chunk("""{"index":0,"delta":{"content":"Hello"},"finish_reason":null}""")
            + "data: {\"id\":\"c1\",\"choices\":[{\"delta\":{\"content\":\"trunc\n\n"
            + Chunk("""{"index":0,"delta":{},"finish_reason":"stop"}""") + "data: [DONE]\n\n";

        var (output, outcome) = await RunAsync(LlmApi.ChatCompletions, sse, failClosed);

        if (failClosed)
        {
            Assert.That(output, Does.EndWith("\n\n").And.Contain("unparsed_content").Or.Contain("could not parse"));
            Assert.That(output, Does.Not.Contain("trunc"));
            Assert.That(outcome, Is.EqualTo(LlmCallOutcome.Failed));
        }
        else
        {
            Assert.That(output, Does.Contain("trunc").And.EndWith("data: [DONE]\n\n"));
        }
    }

    private static async Task<(string Output, LlmCallOutcome? Outcome)> RunAsync(LlmApi api, string sse, bool failClosed = true)
    {
        var call = new LlmCall("agent", 0) { Api = api, Provider = api == LlmApi.Messages ? LlmProvider.Anthropic : LlmProvider.OpenAI, IsStreaming = true };
        var completion = new RecordingCompletion();
        var filter = new SseContentFilter(new TestFilter(failClosed), call);
        await using var stream = new SseMeteringStream(TestUpstream.Of(Encoding.UTF8.GetBytes(sse), maxBytesPerRead: 3), call, completion, pipeBufferSize: 16, content: filter);
        var received = new MemoryStream();
        var buffer = new byte[5];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0)
            {
                received.Write(buffer, 0, n);
            }
        }
        catch (IOException)
        {
        }

        return (Encoding.UTF8.GetString(received.ToArray()), completion.SingleOutcome);
    }

    private static string Chunk(string choice) => "data: " + ChatHead + choice + "]}\n\n";

    private static string Event(string name, string data) => "event: " + name + "\ndata: " + data + "\n\n";

    private static IEnumerable<string> DataOf(string sse)
        => sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => string.Join("\n", e.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..])))
            .Where(d => d.Length > 0);

    private static JsonDocument Parse(string data) => JsonDocument.Parse(data);

    private static string ChatText(string sse, int choice = 0)
    {
        var text = new StringBuilder();
        foreach (string data in DataOf(sse).Where(d => d != "[DONE]"))
        {
            using var doc = Parse(data);
            foreach (var c in doc.RootElement.GetProperty("choices").EnumerateArray())
            {
                if (c.GetProperty("index").GetInt32() == choice && c.GetProperty("delta").TryGetProperty("content", out var content))
                {
                    text.Append(content.GetString());
                }
            }
        }

        return text.ToString();
    }

    private sealed class TestFilter(bool failClosed) : ILlmContentFilter
    {
        public bool IsEnabled(LlmCall call, LlmContentDirection direction) => true;

        public bool FailClosed(LlmCall call, LlmContentDirection direction) => failClosed;

        public ILlmTextScanner CreateScanner(LlmCall call, LlmContentDirection direction, bool repeatsScannedText) => PiiTestEngine.NewScanner(mode: PiiMode.Redact);
    }
}
