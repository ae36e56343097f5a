using System.Net;
using System.Text;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Support;

namespace IronRuntime.Tests.Pipeline;

/// <summary>
/// The independent oracle: recorded provider answers (<c>Fakes/Fixtures/recorded/</c>, written from the API references,
/// with cache and reasoning usage) go through the runtime. The client must receive the recording's exact bytes, and the
/// metered usage and cost must be the numbers read off the recording by hand, priced by hand from the shipped table
/// (<c>model_prices.json</c>): gpt-4o-mini 1.5e-07 in / 7.5e-08 cached / 6e-07 out; o4-mini 1.1e-06 / 2.75e-07 / 4.4e-06;
/// gpt-5-mini 2.5e-07 / 2.5e-08 / 2e-06; claude-sonnet-4-5 3e-06 in / 3.75e-06 cache write / 3e-07 cache read / 1.5e-05 out;
/// claude-haiku-4-5 1e-06 / 1.25e-06 / 1e-07 / 5e-06; text-embedding-3-small 2e-08.
/// </summary>
public sealed class RecordedAnswerTests
{
    private const string OpenAI = "https://api.openai.com";
    private const string Anthropic = "https://api.anthropic.com";

    public static IEnumerable<TestCaseData> Recordings()
    {
        // Chat Completions stream with stream_options.include_usage: 2048 prompt tokens of which 1920 cached, 12 out.
        yield return new TestCaseData(
            OpenAI + "/v1/chat/completions",
            """{"model":"gpt-4o-mini","max_completion_tokens":100,"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"When is low tide?"}]}""",
            "chat.gpt-4o-mini.stream-usage.sse",
            new Expected(2048, 1920, 0, 12, 0, (128 * 0.00000015m) + (1920 * 0.000000075m) + (12 * 0.0000006m))).SetName("Chat stream, cached prompt");

        // Chat Completions, o4-mini: 1200 prompt (1024 cached), 300 completion of which 256 reasoning (billed as output).
        yield return new TestCaseData(
            OpenAI + "/v1/chat/completions",
            """{"model":"o4-mini","max_completion_tokens":2000,"messages":[{"role":"user","content":"Why two tides a day?"}]}""",
            "chat.o4-mini.cached-reasoning.json",
            new Expected(1200, 1024, 0, 300, 256, (176 * 0.0000011m) + (1024 * 0.000000275m) + (300 * 0.0000044m))).SetName("Chat JSON, cached and reasoning");

        // Responses stream, gpt-5-mini: 1500 input (1280 cached), 400 output of which 320 reasoning.
        yield return new TestCaseData(
            OpenAI + "/v1/responses",
            """{"model":"gpt-5-mini","max_output_tokens":2000,"stream":true,"input":"What are spring tides?"}""",
            "responses.gpt-5-mini.stream-reasoning.sse",
            new Expected(1500, 1280, 0, 400, 320, (220 * 0.00000025m) + (1280 * 0.000000025m) + (400 * 0.000002m))).SetName("Responses stream, cached and reasoning");

        // Messages stream, claude-sonnet-4-5: 20 uncached + 1000 cache write + 3000 cache read; output 150 (message_delta).
        yield return new TestCaseData(
            Anthropic + "/v1/messages",
            """{"model":"claude-sonnet-4-5","max_tokens":1000,"stream":true,"messages":[{"role":"user","content":"And neap tides?"}]}""",
            "messages.claude-sonnet-4-5.stream-cache.sse",
            new Expected(4020, 3000, 1000, 150, 0, (20 * 0.000003m) + (1000 * 0.00000375m) + (3000 * 0.0000003m) + (150 * 0.000015m))).SetName("Messages stream, cache write and read");

        // Messages JSON, claude-haiku-4-5: 50 uncached + 2000 cache read; output 80.
        yield return new TestCaseData(
            Anthropic + "/v1/messages",
            """{"model":"claude-haiku-4-5","max_tokens":500,"messages":[{"role":"user","content":"High water?"}]}""",
            "messages.claude-haiku-4-5.cache-read.json",
            new Expected(2050, 2000, 0, 80, 0, (50 * 0.000001m) + (2000 * 0.0000001m) + (80 * 0.000005m))).SetName("Messages JSON, cache read");

        // Embeddings: 8 prompt tokens.
        yield return new TestCaseData(
            OpenAI + "/v1/embeddings",
            """{"model":"text-embedding-3-small","input":"tide tables for the harbour"}""",
            "embeddings.text-embedding-3-small.json",
            new Expected(8, 0, 0, 0, 0, 8 * 0.00000002m)).SetName("Embeddings JSON");
    }

    [TestCaseSource(nameof(Recordings))]
    public async Task RecordedAnswer_ThroughRuntime_ByteIdentical_UsageAndCostAsRecorded(string url, string body, string recording, Expected expected)
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(10m));
        h.Fake.ReplayNext(1, recording);
        h.Fake.WriteChunkSize = 7; // events cross network reads
        using var http = h.Runtime.CreateHttpClient("a1");
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("anthropic-version", "2023-06-01");

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        byte[] received = await ReadInTinyPiecesAsync(response);
        await Eventually.UntilAsync(() => h.Runtime.GetMetrics("a1").Requests == 1);

        var m = h.Runtime.GetMetrics("a1");
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(Encoding.UTF8.GetString(received), Is.EqualTo(Encoding.UTF8.GetString(FakeProvider.RecordedBytes(recording))));
            Assert.That(received, Is.EqualTo(FakeProvider.RecordedBytes(recording)), "byte for byte");
            Assert.That(m.InputTokens, Is.EqualTo(expected.Input), "input, cache reads and writes included");
            Assert.That(m.CachedInputTokens, Is.EqualTo(expected.CachedInput));
            Assert.That(m.CacheCreationInputTokens, Is.EqualTo(expected.CacheWrite));
            Assert.That(m.OutputTokens, Is.EqualTo(expected.Output));
            Assert.That(m.ReasoningTokens, Is.EqualTo(expected.Reasoning));
            Assert.That(m.BudgetSpent, Is.EqualTo(expected.Cost));
            Assert.That(m.BudgetReserved, Is.Zero);
            Assert.That(m.Errors, Is.Zero);
        });
    }

    private static async Task<byte[]> ReadInTinyPiecesAsync(HttpResponseMessage response)
    {
        var received = new MemoryStream();
        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[3];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            received.Write(buffer, 0, n);
        }

        return received.ToArray();
    }

    /// <summary>Usage as the runtime normalises it (input includes cache reads and writes) and the cost, all written by hand.</summary>
    public sealed record Expected(long Input, long CachedInput, long CacheWrite, long Output, long Reasoning, decimal Cost);
}
