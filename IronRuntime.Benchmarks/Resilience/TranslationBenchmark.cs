using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using IronRuntime.Router.Translation;

namespace IronRuntime.Benchmarks.Resilience;

/// <summary>What failover across providers costs: translating a request, an answer, and one streamed event.</summary>
[MemoryDiagnoser]
public class TranslationBenchmark
{
    private static readonly byte[] ChatRequest = Encoding.UTF8.GetBytes(
        """{"model":"gpt-4o","max_completion_tokens":500,"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"system","content":"You are a careful assistant. Answer in two sentences."},{"role":"user","content":"What is the weather in Paris, and should I take an umbrella?"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},{"role":"tool","tool_call_id":"call_1","content":"Light rain, 14 C"}],"tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather by city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]}""");

    private static readonly byte[] AnthropicAnswer = Encoding.UTF8.GetBytes(
        """{"model":"claude-sonnet-4-5-20250929","id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","content":[{"type":"text","text":"It is raining lightly in Paris at 14 C. Yes, take an umbrella."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":412,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":24,"service_tier":"standard"}}""");

    private static readonly byte[] DeltaName = "content_block_delta"u8.ToArray();

    private static readonly byte[] DeltaData = Encoding.UTF8.GetBytes(
        """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" lightly in"}}""");

    private static readonly byte[] ChatChunk = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_06737a9306","choices":[{"index":0,"delta":{"content":" lightly in"},"logprobs":null,"finish_reason":null}],"usage":null}""");

    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private MessagesToChatStream _toChat = null!;
    private ChatToMessagesStream _toMessages = null!;

    [GlobalSetup]
    public void Setup()
    {
        _toChat = new MessagesToChatStream(1741569952, includeUsage: true);
        _toChat.Translate("message_start"u8, """{"type":"message_start","message":{"id":"msg_1","model":"claude-sonnet-4-5","usage":{"input_tokens":10,"output_tokens":1}}}"""u8, _output);
        _toMessages = new ChatToMessagesStream();
        _toMessages.Translate(default, ChatChunk, _output);
        _toMessages.Translate(default, ChatChunk, _output);
    }

    [Benchmark]
    public int ChatRequestToMessages() => ChatToMessagesRequest.Translate(ChatRequest, "claude-sonnet-4-5", 64_000).Length;

    [Benchmark]
    public int MessagesAnswerToChat() => MessagesToChatResponse.Translate(AnthropicAnswer, 1741569952).Length;

    [Benchmark]
    public int StreamEventMessagesToChat()
    {
        _output.ResetWrittenCount();
        _toChat.Translate(DeltaName, DeltaData, _output);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int StreamEventChatToMessages()
    {
        _output.ResetWrittenCount();
        _toMessages.Translate(default, ChatChunk, _output);
        return _output.WrittenCount;
    }
}
