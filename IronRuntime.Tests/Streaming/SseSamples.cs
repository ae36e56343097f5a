using System.Text;
using IronRuntime.Router;

namespace IronRuntime.Tests.Streaming;

/// <summary>Realistic provider event streams, byte for byte in the providers' formats.</summary>
internal static class SseSamples
{
    // JSON-encoded content deltas: plain text, multi-byte UTF-8 (2, 3 and 4 bytes), and text that looks like the
    // member the router cuts out ("usage":null inside a string is escaped, so it must survive untouched).
    private static readonly string[] ChatDeltas =
    [
        "Hi",
        " there",
        "! Caf\u00e9",
        " \u4e2d\u6587",
        " \ud83d\ude00",
        " \\\"usage\\\":null",
        ", usage",
        " done.",
    ];

    private const string ChatHead =
        "{\"id\":\"chatcmpl-C0mXq2bN7tYkVvR1sH8eLfP3aZ9uW\",\"object\":\"chat.completion.chunk\",\"created\":1754550000,"
        + "\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_560af6e559\",\"choices\":[";

    /// <summary>The usage the chat sample reports.</summary>
    public static readonly TokenUsage ChatUsage = new(1153, 9, 1024, 0, 0);

    /// <summary>The usage the Responses sample reports.</summary>
    public static readonly TokenUsage ResponsesUsage = new(1290, 82, 1152, 0, 64);

    /// <summary>The usage the Anthropic sample reports (input = 12 + 2048 cache read + 150 cache creation).</summary>
    public static readonly TokenUsage AnthropicUsage = new(2210, 9, 2048, 150, 0);

    /// <summary>The number of content deltas in each sample.</summary>
    public static int ChatContentChunks => ChatDeltas.Length;

    /// <summary>
    /// An OpenAI Chat Completions stream. With <paramref name="includeUsage"/> it is what OpenAI sends for
    /// <c>stream_options.include_usage</c>: <c>"usage":null</c> in every chunk and a final usage chunk with empty
    /// choices; without, what it sends otherwise.
    /// </summary>
    public static string OpenAiChat(bool includeUsage, string terminator = "\n")
    {
        string usageNull = includeUsage ? ",\"usage\":null" : string.Empty;
        var sb = new StringBuilder();
        void Chunk(string json) => sb.Append("data: ").Append(json).Append(terminator).Append(terminator);

        Chunk(ChatHead + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]" + usageNull + "}");
        foreach (string delta in ChatDeltas)
        {
            Chunk(ChatHead + "{\"index\":0,\"delta\":{\"content\":\"" + delta + "\"},\"logprobs\":null,\"finish_reason\":null}]" + usageNull + "}");
        }

        Chunk(ChatHead + "{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]" + usageNull + "}");
        if (includeUsage)
        {
            Chunk(ChatHead + "],\"usage\":{\"prompt_tokens\":1153,\"completion_tokens\":9,\"total_tokens\":1162,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":1024,\"audio_tokens\":0},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}}");
        }

        Chunk("[DONE]");
        return sb.ToString();
    }

    /// <summary>An OpenAI Responses stream (reasoning model: a reasoning item, then a message).</summary>
    public static string Responses()
    {
        const string Id = "resp_68a1f3c2b4e08190a9d3c5e7f1b2a4c6";
        const string ReasoningId = "rs_68a1f3c35d1c8190b7e2a4c6d8f0e1a3";
        const string MessageId = "msg_68a1f3c4a0f88190c1d3e5f7a9b2c4d6";
        static string Response(string status, string output, string usage) =>
            "{\"id\":\"" + Id + "\",\"object\":\"response\",\"created_at\":1754550000,\"status\":\"" + status + "\",\"background\":false,"
            + "\"error\":null,\"incomplete_details\":null,\"instructions\":null,\"max_output_tokens\":null,\"max_tool_calls\":null,"
            + "\"model\":\"o4-mini-2025-04-16\",\"output\":[" + output + "],\"parallel_tool_calls\":true,\"previous_response_id\":null,"
            + "\"prompt_cache_key\":null,\"reasoning\":{\"effort\":\"low\",\"summary\":null},\"safety_identifier\":null,\"service_tier\":\"default\","
            + "\"store\":true,\"temperature\":1.0,\"text\":{\"format\":{\"type\":\"text\"},\"verbosity\":\"medium\"},\"tool_choice\":\"auto\","
            + "\"tools\":[],\"top_logprobs\":0,\"top_p\":1.0,\"truncation\":\"disabled\",\"usage\":" + usage + ",\"user\":null,\"metadata\":{}}";

        string[] deltas = ["The", " answer", " is", " 42", " \u2014 caf\u00e9 \ud83d\ude00", "."];
        const string Text = "The answer is 42 \u2014 caf\u00e9 \ud83d\ude00.";
        string reasoningItem = "{\"id\":\"" + ReasoningId + "\",\"type\":\"reasoning\",\"summary\":[]}";
        string messageItem(string status, string content) =>
            "{\"id\":\"" + MessageId + "\",\"type\":\"message\",\"status\":\"" + status + "\",\"content\":[" + content + "],\"role\":\"assistant\"}";
        string part(string text) => "{\"type\":\"output_text\",\"annotations\":[],\"logprobs\":[],\"text\":\"" + text + "\"}";

        var sb = new StringBuilder();
        int seq = 0;
        void Event(string type, string body) =>
            sb.Append("event: ").Append(type).Append('\n')
              .Append("data: {\"type\":\"").Append(type).Append("\",\"sequence_number\":").Append(seq++).Append(body).Append("}\n\n");

        Event("response.created", ",\"response\":" + Response("in_progress", string.Empty, "null"));
        Event("response.in_progress", ",\"response\":" + Response("in_progress", string.Empty, "null"));
        Event("response.output_item.added", ",\"output_index\":0,\"item\":" + reasoningItem);
        Event("response.output_item.done", ",\"output_index\":0,\"item\":" + reasoningItem);
        Event("response.output_item.added", ",\"output_index\":1,\"item\":" + messageItem("in_progress", string.Empty));
        Event("response.content_part.added", ",\"item_id\":\"" + MessageId + "\",\"output_index\":1,\"content_index\":0,\"part\":" + part(string.Empty));
        foreach (string delta in deltas)
        {
            Event("response.output_text.delta", ",\"item_id\":\"" + MessageId + "\",\"output_index\":1,\"content_index\":0,\"delta\":\"" + delta + "\",\"logprobs\":[],\"obfuscation\":\"qW3rTy\"");
        }

        Event("response.output_text.done", ",\"item_id\":\"" + MessageId + "\",\"output_index\":1,\"content_index\":0,\"text\":\"" + Text + "\",\"logprobs\":[]");
        Event("response.content_part.done", ",\"item_id\":\"" + MessageId + "\",\"output_index\":1,\"content_index\":0,\"part\":" + part(Text));
        Event("response.output_item.done", ",\"output_index\":1,\"item\":" + messageItem("completed", part(Text)));
        Event("response.completed", ",\"response\":" + Response(
            "completed",
            reasoningItem + "," + messageItem("completed", part(Text)),
            "{\"input_tokens\":1290,\"input_tokens_details\":{\"cached_tokens\":1152},\"output_tokens\":82,\"output_tokens_details\":{\"reasoning_tokens\":64},\"total_tokens\":1372}"));
        return sb.ToString();
    }

    /// <summary>The number of <c>*.delta</c> events in <see cref="Responses"/>.</summary>
    public static int ResponsesDeltaEvents => 6;

    /// <summary>An Anthropic Messages stream with prompt caching, a ping and a UTF-8-rich text block.</summary>
    public static string Anthropic()
    {
        var sb = new StringBuilder();
        void Event(string type, string json) => sb.Append("event: ").Append(type).Append('\n').Append("data: ").Append(json).Append("\n\n");

        Event("message_start", "{\"type\":\"message_start\",\"message\":{\"model\":\"claude-sonnet-4-5-20250929\",\"id\":\"msg_01XFDUDYJgAACzvnptvVoYEL\","
            + "\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
            + "\"usage\":{\"input_tokens\":12,\"cache_creation_input_tokens\":150,\"cache_read_input_tokens\":2048,"
            + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":150,\"ephemeral_1h_input_tokens\":0},\"output_tokens\":1,\"service_tier\":\"standard\"}}}");
        Event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
        Event("ping", "{\"type\": \"ping\"}");
        foreach (string text in AnthropicDeltas)
        {
            Event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"" + text + "\"}}");
        }

        Event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
        Event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":9}}");
        Event("message_stop", "{\"type\":\"message_stop\"}");
        return sb.ToString();
    }

    /// <summary>The text deltas of <see cref="Anthropic"/>.</summary>
    public static readonly string[] AnthropicDeltas = ["Bonjour", " \u00e0", " vous", " \u4f60\u597d", " \ud83d\ude00", "!"];

    /// <summary>The sample stream of <paramref name="api"/>.</summary>
    public static string For(LlmApi api) => api switch
    {
        LlmApi.ChatCompletions => OpenAiChat(includeUsage: true),
        LlmApi.Responses => Responses(),
        _ => Anthropic(),
    };

    /// <summary>The usage the sample stream of <paramref name="api"/> reports.</summary>
    public static TokenUsage UsageFor(LlmApi api) => api switch
    {
        LlmApi.ChatCompletions => ChatUsage,
        LlmApi.Responses => ResponsesUsage,
        _ => AnthropicUsage,
    };

    /// <summary>The model the sample stream of <paramref name="api"/> names.</summary>
    public static string ModelFor(LlmApi api) => api switch
    {
        LlmApi.ChatCompletions => "gpt-4o-mini-2024-07-18",
        LlmApi.Responses => "o4-mini-2025-04-16",
        _ => "claude-sonnet-4-5-20250929",
    };

    /// <summary>UTF-8 bytes of <paramref name="text"/>.</summary>
    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
