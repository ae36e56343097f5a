using System.Text;
using IronRuntime.Router;
using IronRuntime.Router.Streaming;
using Microsoft.Extensions.Time.Testing;

namespace IronRuntime.Tests.Streaming;

/// <summary>The idle and whole-call limits of <see cref="SseMeteringStream"/>, on a fake clock.</summary>
public sealed class SseMeteringStreamTimeoutTests
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(10);

    [Test]
    public async Task ReadAsync_UpstreamStallsMidStream_HandsOutCompleteEventsThenOneErrorEventAndEnds([Values] bool anthropic)
    {
        var time = new FakeTimeProvider();
        string sample = anthropic ? SseSamples.Anthropic() : SseSamples.OpenAiChat(includeUsage: false);
        int cut = sample.IndexOf("content_block_stop", StringComparison.Ordinal);
        if (!anthropic)
        {
            cut = sample.IndexOf("\"finish_reason\":\"stop\"", StringComparison.Ordinal);
        }

        // Everything up to the middle of an event, then silence.
        byte[] sent = Encoding.UTF8.GetBytes(sample[..cut]);
        var upstream = new TestUpstream(sent) { HangAtEnd = true };
        var call = NewCall(anthropic);
        var completion = new RecordingCompletion();
        using var stream = new SseMeteringStream(upstream, call, completion, timeouts: new StreamTimeouts(time, Idle, long.MaxValue));

        int complete = LastCompleteEventEnd(sent);
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (received.Length < complete)
        {
            int n = await stream.ReadAsync(buffer);
            if (n == 0)
            {
                break;
            }

            received.Write(buffer, 0, n);
        }

        var pending = stream.ReadAsync(buffer).AsTask();
        var waited = await AdvanceUntilAsync(time, TimeSpan.FromSeconds(1), () => pending.IsCompleted);
        Assert.That(pending.IsCompleted, Is.True, "the stalled read never ended");
        int errorLength = await pending;
        string error = Encoding.UTF8.GetString(buffer, 0, errorLength);
        int end = await stream.ReadAsync(buffer);

        Assert.Multiple(() =>
        {
            Assert.That(received.ToArray(), Is.EqualTo(sent[..complete]), "complete events only");
            Assert.That(waited, Is.GreaterThanOrEqualTo(Idle));
            Assert.That(error, Does.StartWith(anthropic ? "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"iron_runtime_stream_timeout\"" : "data: {\"error\":{\"message\":"));
            Assert.That(error, Does.Contain("iron_runtime_stream_timeout").And.Contain("10 s").And.EndWith("\n\n"));
            Assert.That(end, Is.Zero);
            Assert.That(completion.SingleOutcome, Is.EqualTo(LlmCallOutcome.Failed));
            Assert.That(call.Usage.OutputTokens, Is.GreaterThan(0), "the partial usage is settled");
            Assert.That(upstream.IsDisposed, Is.True);
        });
    }

    [Test]
    public async Task ReadAsync_SlowButSteadyUpstream_NeverTimesOut()
    {
        var time = new FakeTimeProvider();
        byte[] input = SseSamples.Bytes(SseSamples.Anthropic());
        var completion = new RecordingCompletion();
        using var stream = new SseMeteringStream(TestUpstream.Of(input, 7), NewCall(anthropic: true), completion, timeouts: new StreamTimeouts(time, Idle, long.MaxValue));

        var output = new MemoryStream();
        var buffer = new byte[16];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            output.Write(buffer, 0, n);
            time.Advance(TimeSpan.FromSeconds(9)); // between reads, not while one waits
        }

        Assert.Multiple(() =>
        {
            Assert.That(output.ToArray(), Is.EqualTo(input));
            Assert.That(completion.SingleOutcome, Is.EqualTo(LlmCallOutcome.Succeeded));
        });
    }

    [Test]
    public async Task ReadAsync_DeadlinePasses_EndsWithTimeLimitError()
    {
        var time = new FakeTimeProvider();
        long deadline = time.GetTimestamp() + (long)(30 * time.TimestampFrequency);
        var upstream = new TestUpstream(Encoding.UTF8.GetBytes("event: ping\ndata: {\"type\": \"ping\"}\n\n")) { HangAtEnd = true };
        var completion = new RecordingCompletion();
        using var stream = new SseMeteringStream(upstream, NewCall(anthropic: true), completion, timeouts: new StreamTimeouts(time, Timeout.InfiniteTimeSpan, deadline));
        var buffer = new byte[4096];
        _ = await stream.ReadAsync(buffer);

        var pending = stream.ReadAsync(buffer).AsTask();
        var waited = await AdvanceUntilAsync(time, TimeSpan.FromSeconds(5), () => pending.IsCompleted);
        Assert.That(pending.IsCompleted, Is.True, "the stalled read never ended");
        string error = Encoding.UTF8.GetString(buffer, 0, await pending);

        Assert.Multiple(() =>
        {
            Assert.That(waited, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(error, Does.Contain("iron_runtime_stream_timeout").And.Contain("time limit"));
            Assert.That(completion.SingleOutcome, Is.EqualTo(LlmCallOutcome.Failed));
        });
    }

    private static int LastCompleteEventEnd(byte[] sent) => sent.AsSpan().LastIndexOf("\n\n"u8) + 2;

    private static async Task<TimeSpan> AdvanceUntilAsync(FakeTimeProvider time, TimeSpan step, Func<bool> done)
    {
        var advanced = TimeSpan.Zero;
        while (!done() && advanced < TimeSpan.FromMinutes(10))
        {
            time.Advance(step);
            advanced += step;
            await Task.Delay(5);
        }

        return advanced;
    }

    private static LlmCall NewCall(bool anthropic) => new("agent-1", 0)
    {
        Api = anthropic ? LlmApi.Messages : LlmApi.ChatCompletions,
        Provider = anthropic ? LlmProvider.Anthropic : LlmProvider.OpenAI,
        IsStreaming = true,
        AnthropicErrorShape = anthropic,
    };
}
