using System.Text;
using IronRuntime.Router.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace IronRuntime.Benchmarks.Proxy;

/// <summary>
/// A minimal OpenAI-shaped provider on loopback Kestrel: it reads the request body, then answers a fixed
/// <c>chat.completion</c> JSON, or — when the body asks for a stream — a fixed SSE stream whose first event is flushed
/// on its own and the rest after it (so that time to first byte means something). Started with
/// <c>chunkedAnswer</c>, the JSON answer goes without a <c>Content-Length</c> (chunked), as OpenAI's and Anthropic's do.
/// </summary>
internal sealed class LoopbackUpstream : IAsyncDisposable
{
    public static readonly byte[] ChatCompletion = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1741569952,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there, nice to meet!","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":25,"completion_tokens":7,"total_tokens":32,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_06737a9306"}""");

    public static readonly byte[] FirstEvent = Encoding.UTF8.GetBytes(Chunk("""{"role":"assistant","content":"","refusal":null}""", "null"));

    public static readonly byte[] RestOfStream = Encoding.UTF8.GetBytes(
        string.Concat(new[] { "Hello", " there", ",", " nice", " to", " meet", "!" }.Select(w => Chunk($$"""{"content":"{{w}}"}""", "null")))
        + Chunk("{}", "\"stop\"")
        + """data: {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_06737a9306","choices":[],"usage":{"prompt_tokens":25,"completion_tokens":7,"total_tokens":32}}"""
        + "\n\ndata: [DONE]\n\n");

    private readonly LoopbackServer _server;

    private LoopbackUpstream(LoopbackServer server) => _server = server;

    public Uri BaseAddress => _server.BaseAddress;

    public static async Task<LoopbackUpstream> StartAsync(bool chunkedAnswer = false)
        => new(await LoopbackServer.StartAsync(0, null, context => HandleAsync(context, chunkedAnswer), NullLoggerFactory.Instance, CancellationToken.None).ConfigureAwait(false));

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private static async Task HandleAsync(HttpContext context, bool chunkedAnswer)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body).ConfigureAwait(false);
        HttpResponse response = context.Response;
        if (body.GetBuffer().AsSpan(0, (int)body.Length).IndexOf("\"stream\":true"u8) < 0)
        {
            response.ContentType = "application/json";
            response.ContentLength = chunkedAnswer ? null : ChatCompletion.Length;
            await response.Body.WriteAsync(ChatCompletion).ConfigureAwait(false);
            return;
        }

        response.ContentType = "text/event-stream";
        await response.Body.WriteAsync(FirstEvent).ConfigureAwait(false);
        await response.Body.FlushAsync().ConfigureAwait(false);
        await response.Body.WriteAsync(RestOfStream).ConfigureAwait(false);
    }

    private static string Chunk(string delta, string finishReason)
        => $$"""data: {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_06737a9306","choices":[{"index":0,"delta":{{delta}},"logprobs":null,"finish_reason":{{finishReason}}}],"usage":null}""" + "\n\n";
}
