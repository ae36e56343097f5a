using System.Text;
using IronRuntime.Router;
using static IronRuntime.Tests.Fakes.Fixtures;

namespace IronRuntime.Tests.Fakes;

/// <summary>
/// The fake provider's answers, rendered from <see cref="Fixtures"/>: the oracle the router's readers are tested
/// against, independent of the library's simulated provider.
/// </summary>
internal static class FakeWire
{
    public const string JsonContentType = "application/json";

    public const string EventStreamContentType = "text/event-stream; charset=utf-8";

    private const string ObfuscationAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>The non-streamed body (OpenAI indents its bodies, Anthropic does not).</summary>
    public static byte[] JsonBody(FakeReply reply) => Encoding.UTF8.GetBytes(reply.Api switch
    {
        LlmApi.ChatCompletions => Indent(ChatCompletion(reply)),
        LlmApi.Responses => Indent(ResponseObject(reply, final: true)),
        LlmApi.Messages => Message(reply, final: true),
        _ => throw new ArgumentOutOfRangeException(nameof(reply), reply.Api, "Not a generating API."),
    });

    /// <summary>The SSE frames of a streamed answer, in order.</summary>
    public static IEnumerable<byte[]> StreamFrames(FakeReply reply) => reply.Api switch
    {
        LlmApi.ChatCompletions => ChatFrames(reply).Select(Encoding.UTF8.GetBytes),
        LlmApi.Responses => ResponseFrames(reply).Select(Encoding.UTF8.GetBytes),
        LlmApi.Messages => MessageFrames(reply).Select(Encoding.UTF8.GetBytes),
        _ => throw new ArgumentOutOfRangeException(nameof(reply), reply.Api, "Not a streaming API."),
    };

    /// <summary>The whole stream as one byte array.</summary>
    public static byte[] StreamBytes(FakeReply reply) => [.. StreamFrames(reply).SelectMany(f => f)];

    /// <summary>An Embeddings answer: one vector (numbers, or Base64 of little-endian float32) per input.</summary>
    public static byte[] Embeddings(string model, IReadOnlyList<float[]> vectors, bool base64, long promptTokens)
    {
        var items = vectors.Select((v, i) => Render("openai/embedding.item.json",
            ("index", Num(i)),
            ("embedding", base64 ? Quoted(ToBase64(v)) : "[" + string.Join(',', v.Select(x => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]")));
        string body = Render("openai/embeddings.json",
            ("data", "[" + string.Join(',', items) + "]"),
            ("model", Str(model)),
            ("prompt_tokens", Num(promptTokens)));
        return Encoding.UTF8.GetBytes(Indent(body));
    }

    /// <summary>OpenAI's error body.</summary>
    public static byte[] OpenAIError(string message, string type, string? param = null, string? code = null)
        => Encoding.UTF8.GetBytes(Render("openai/error.json", ("message", Str(message)), ("type", Str(type)), ("param", Quoted(param)), ("code", Quoted(code))));

    /// <summary>Anthropic's error body, with the request id when given.</summary>
    public static byte[] AnthropicError(string type, string message, string? requestId)
        => Encoding.UTF8.GetBytes(Render("anthropic/error.json",
            ("type", Str(type)), ("message", Str(message)), ("request_id", requestId is null ? string.Empty : ",\"request_id\":" + Quoted(requestId))));

    /// <summary>The error body of <paramref name="api"/>'s provider.</summary>
    public static byte[] Error(LlmApi api, string type, string message, string? param, string? code, string? requestId)
        => api == LlmApi.Messages ? AnthropicError(type, message, requestId) : OpenAIError(message, type, param, code);

    private static string ChatUsage(TokenUsage u) => Render("openai/chat.usage.json",
        ("prompt_tokens", Num(u.InputTokens)),
        ("completion_tokens", Num(u.OutputTokens)),
        ("total_tokens", Num(u.InputTokens + u.OutputTokens)),
        ("cached_tokens", Num(u.CachedInputTokens)),
        ("reasoning_tokens", Num(u.ReasoningTokens)));

    private static string ChatCompletion(FakeReply r) => Render("openai/chat.completion.json",
        ("id", Str(r.Id)), ("created", Num(r.Created)), ("model", Str(r.Model)), ("text", Str(r.Text)),
        ("finish_reason", r.Truncated ? "length" : "stop"), ("usage", ChatUsage(r.Usage)), ("system_fingerprint", Str(r.SystemFingerprint)));

    private static IEnumerable<string> ChatFrames(FakeReply r)
    {
        int sequence = 0;
        (string, string)[] Head(int payload) =>
        [
            ("id", Str(r.Id)), ("created", Num(r.Created)), ("model", Str(r.Model)), ("system_fingerprint", Str(r.SystemFingerprint)),
            ("usage_null", r.IncludeUsage ? ",\"usage\":null" : string.Empty),
            ("obfuscation", r.IncludeObfuscation ? Obfuscation(r.ObfuscationSeed, sequence++, payload) : string.Empty),
        ];

        yield return Render("openai/chat.chunk.role.sse", Head(0));
        foreach (string delta in r.Deltas)
        {
            yield return Render("openai/chat.chunk.delta.sse", [.. Head(delta.Length), ("delta", Str(delta))]);
        }

        yield return Render("openai/chat.chunk.finish.sse", [.. Head(0), ("finish_reason", r.Truncated ? "length" : "stop")]);
        if (r.IncludeUsage)
        {
            yield return Render("openai/chat.chunk.usage.sse",
                ("id", Str(r.Id)), ("created", Num(r.Created)), ("model", Str(r.Model)), ("system_fingerprint", Str(r.SystemFingerprint)),
                ("usage", ChatUsage(r.Usage)),
                ("obfuscation", r.IncludeObfuscation ? Obfuscation(r.ObfuscationSeed, sequence++, 0) : string.Empty));
        }

        yield return Template("openai/chat.done.sse");
    }

    private static string OutputText(string text) => Render("openai/response.output_text.json", ("text", Str(text)));

    private static string OutputMessage(FakeReply r, string status, bool withContent) => Render("openai/response.message.json",
        ("item_id", Str(r.ItemId)), ("status", status), ("content", withContent ? "[" + OutputText(r.Text) + "]" : "[]"));

    /// <summary>Responses reports each web search as a <c>web_search_call</c> output item (its usage does not count them).</summary>
    private static string WebSearchCalls(long count)
    {
        var items = new StringBuilder();
        for (long i = 0; i < count; i++)
        {
            items.Append("{\"id\":\"ws_").Append(i).Append("\",\"type\":\"web_search_call\",\"status\":\"completed\",\"action\":{\"type\":\"search\",\"query\":\"tides\"}},");
        }

        return items.ToString();
    }

    private static string ResponseObject(FakeReply r, bool final)
    {
        string finalStatus = r.Truncated ? "incomplete" : "completed";
        return Render("openai/response.object.json",
            ("id", Str(r.Id)),
            ("created", Num(r.Created)),
            ("status", final ? finalStatus : "in_progress"),
            ("completed_at", final && !r.Truncated ? Num(r.Created) : "null"),
            ("incomplete_details", final && r.Truncated ? "{\"reason\":\"max_output_tokens\"}" : "null"),
            ("instructions", Quoted(r.Instructions)),
            ("max_output_tokens", r.MaxOutputTokens is { } max ? Num(max) : "null"),
            ("model", Str(r.Model)),
            ("output", final ? "[" + WebSearchCalls(r.Usage.ServerToolUses) + OutputMessage(r, finalStatus, withContent: true) + "]" : "[]"),
            ("previous_response_id", Quoted(r.PreviousResponseId)),
            ("service_tier", final ? "default" : "auto"),
            ("store", r.Store ? "true" : "false"),
            ("usage", final
                ? Render("openai/response.usage.json",
                    ("input_tokens", Num(r.Usage.InputTokens)), ("cached_tokens", Num(r.Usage.CachedInputTokens)),
                    ("output_tokens", Num(r.Usage.OutputTokens)), ("reasoning_tokens", Num(r.Usage.ReasoningTokens)),
                    ("total_tokens", Num(r.Usage.InputTokens + r.Usage.OutputTokens)))
                : "null"));
    }

    private static IEnumerable<string> ResponseFrames(FakeReply r)
    {
        int sequence = 0;
        (string, string) Seq() => ("sequence_number", Num(sequence++));
        (string, string) Item() => ("item_id", Str(r.ItemId));
        string finalStatus = r.Truncated ? "incomplete" : "completed";

        yield return Render("openai/response.created.sse", Seq(), ("response", ResponseObject(r, final: false)));
        yield return Render("openai/response.in_progress.sse", Seq(), ("response", ResponseObject(r, final: false)));
        yield return Render("openai/response.output_item.added.sse", Seq(), ("item", OutputMessage(r, "in_progress", withContent: false)));
        yield return Render("openai/response.content_part.added.sse", Seq(), Item(), ("part", OutputText(string.Empty)));
        foreach (string delta in r.Deltas)
        {
            int at = sequence;
            yield return Render("openai/response.output_text.delta.sse", Seq(), Item(), ("delta", Str(delta)),
                ("obfuscation", r.IncludeObfuscation ? Obfuscation(r.ObfuscationSeed, at, delta.Length) : string.Empty));
        }

        yield return Render("openai/response.output_text.done.sse", Seq(), Item(), ("text", Str(r.Text)));
        yield return Render("openai/response.content_part.done.sse", Seq(), Item(), ("part", OutputText(r.Text)));
        yield return Render("openai/response.output_item.done.sse", Seq(), ("item", OutputMessage(r, finalStatus, withContent: true)));
        yield return Render("openai/response.completed.sse", ("type", r.Truncated ? "response.incomplete" : "response.completed"), Seq(), ("response", ResponseObject(r, final: true)));
    }

    /// <summary>Anthropic's usage: <c>input_tokens</c> excludes the cache reads and writes, reported on their own.</summary>
    private static (string, string)[] AnthropicUsage(TokenUsage u, long outputTokens) =>
    [
        ("input_tokens", Num(Math.Max(0, u.InputTokens - u.CachedInputTokens - u.CacheCreationInputTokens))),
        ("cache_creation_input_tokens", Num(u.CacheCreationInputTokens)),
        ("cache_read_input_tokens", Num(u.CachedInputTokens)),
        ("ephemeral_5m_input_tokens", Num(u.CacheCreationInputTokens - u.CacheCreationOneHourInputTokens)),
        ("ephemeral_1h_input_tokens", Num(u.CacheCreationOneHourInputTokens)),
        ("output_tokens", Num(outputTokens)),
        ("server_tool_use", u.ServerToolUses > 0 ? ",\"server_tool_use\":{\"web_search_requests\":" + Num(u.ServerToolUses) + "}" : string.Empty),
    ];

    private static string Message(FakeReply r, bool final) => Render("anthropic/message.json",
        ("model", Str(r.Model)),
        ("id", Str(r.Id)),
        ("content", final ? "[" + Render("anthropic/text.block.json", ("text", Str(r.Text))) + "]" : "[]"),
        ("stop_reason", final ? (r.Truncated ? "\"max_tokens\"" : "\"end_turn\"") : "null"),
        ("usage", Render("anthropic/message.usage.json", AnthropicUsage(r.Usage, final ? r.Usage.OutputTokens : 1))));

    private static IEnumerable<string> MessageFrames(FakeReply r)
    {
        yield return Render("anthropic/message_start.sse", ("message", Message(r, final: false)));
        yield return Template("anthropic/content_block_start.sse");
        yield return Template("anthropic/ping.sse");
        foreach (string delta in r.Deltas)
        {
            yield return Render("anthropic/content_block_delta.sse", ("delta", Str(delta)));
        }

        yield return Template("anthropic/content_block_stop.sse");
        yield return Render("anthropic/message_delta.sse", [("stop_reason", r.Truncated ? "max_tokens" : "end_turn"), .. AnthropicUsage(r.Usage, r.Usage.OutputTokens)]);
        yield return Template("anthropic/message_stop.sse");
    }

    /// <summary>OpenAI's <c>obfuscation</c> member: random-looking padding that hides the length of the payload.</summary>
    private static string Obfuscation(ulong seed, int sequence, int payloadLength)
    {
        var random = new Random(unchecked((int)(seed ^ (seed >> 32)) + (sequence * 7919)));
        int length = payloadLength > 0 ? 16 - (payloadLength % 16) : random.Next(1, 16);
        var padding = new char[length];
        for (int i = 0; i < length; i++)
        {
            padding[i] = ObfuscationAlphabet[random.Next(ObfuscationAlphabet.Length)];
        }

        return ",\"obfuscation\":\"" + new string(padding) + "\"";
    }

    private static string ToBase64(float[] vector)
    {
        byte[] bytes = new byte[vector.Length * sizeof(float)];
        for (int i = 0; i < vector.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        }

        return Convert.ToBase64String(bytes);
    }
}
