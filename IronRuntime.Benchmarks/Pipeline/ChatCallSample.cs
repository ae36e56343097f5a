using System.Net.Http.Headers;
using System.Text;

namespace IronRuntime.Benchmarks.Pipeline;

/// <summary>One typical non-streaming chat call: its request, its answer, and how the benchmarks send it.</summary>
internal static class ChatCallSample
{
    public static readonly byte[] RequestBody = Encoding.UTF8.GetBytes(
        """{"model":"gpt-4o-mini","max_completion_tokens":200,"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Say hello in five words."}]}""");

    public static readonly byte[] ResponseBody = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1741569952,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there, nice to meet!","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":25,"completion_tokens":7,"total_tokens":32,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_06737a9306"}""");

    /// <summary>Sends the request through <paramref name="client"/> and reads the whole answer.</summary>
    /// <returns>The status code plus the answer's length (so that nothing is optimised away).</returns>
    public static async Task<int> SendAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.openai.com/v1/chat/completions")
        {
            Content = new ByteArrayContent(RequestBody) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        using var response = await client.SendAsync(request).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        return (int)response.StatusCode + body.Length;
    }
}
