using System.IO.Pipelines;
using System.Text;
using IronRuntime.Router;
using IronRuntime.Router.Streaming;
using Microsoft.Extensions.Time.Testing;

namespace IronRuntime.Tests.Streaming;

/// <summary>What an open stream costs while it waits, and synchronous callers (issues #19 and #11).</summary>
public sealed class SseMeteringStreamIdleTests
{
    private const string First = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n";
    private const string Second = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" there\"},\"finish_reason\":null}]}\n\n";

    [Test]
    public void Read_SynchronousCaller_ReadsTheUpstreamSynchronouslyAndNeverItsAsyncRead()
    {
        byte[] input = SseSamples.Bytes(SseSamples.OpenAiChat(includeUsage: true));
        var upstream = new SyncOnlyUpstream(input, maxBytesPerRead: 7);
        var completion = new RecordingCompletion();
        LlmCall call = NewCall();
        using var stream = new SseMeteringStream(upstream, call, completion);

        using var output = new MemoryStream();
        var buffer = new byte[100];
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            output.Write(buffer, 0, n);
        }

        Assert.Multiple(() =>
        {
            Assert.That(output.ToArray(), Is.EqualTo(input));
            Assert.That(upstream.AsyncReads, Is.Zero);
            Assert.That(completion.SingleOutcome, Is.EqualTo(LlmCallOutcome.Succeeded));
            Assert.That(call.Usage, Is.EqualTo(SseSamples.ChatUsage));
        });
    }

    [Test]
    public async Task ReadAsync_ZeroByteReadWhileIdle_WaitsWithoutABufferAndCompletesWhenAnEventIsComplete()
    {
        var pipe = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
        using var stream = new SseMeteringStream(pipe.Reader.AsStream(), NewCall(), new RecordingCompletion());
        var buffer = new byte[4096];

        await pipe.Writer.WriteAsync(SseSamples.Bytes(First));
        int n = await stream.ReadAsync(buffer);
        Assert.That(Encoding.UTF8.GetString(buffer, 0, n), Is.EqualTo(First));

        ValueTask<int> wait = stream.ReadAsync(Memory<byte>.Empty);
        Assert.Multiple(() =>
        {
            Assert.That(wait.IsCompleted, Is.False, "a zero-byte read waits for the next event");
            Assert.That(stream.HoldsBuffer, Is.False, "an idle stream holds no buffer");
        });

        byte[] second = SseSamples.Bytes(Second);
        await pipe.Writer.WriteAsync(second.AsMemory(0, second.Length - 1));
        Assert.That(wait.IsCompleted, Is.False, "an incomplete event does not end the wait");

        await pipe.Writer.WriteAsync(second.AsMemory(second.Length - 1));
        Assert.That(wait.IsCompleted, Is.True, "the wait ends when the event is complete");
        Assert.That(await wait, Is.Zero);

        n = await stream.ReadAsync(buffer);
        Assert.That(Encoding.UTF8.GetString(buffer, 0, n), Is.EqualTo(Second));
        ValueTask<int> next = stream.ReadAsync(Memory<byte>.Empty);
        Assert.That(stream.HoldsBuffer, Is.False, "the buffer goes back to the pool before the next wait");
        await pipe.Writer.CompleteAsync();
        Assert.That(await next, Is.Zero);
    }

    [Test]
    public async Task ReadAsync_ManyStreamsWithLimits_ShareOneTimerAndAllTimeOut()
    {
        const int Streams = 200;
        var time = new CountingTimeProvider();
        var idle = TimeSpan.FromSeconds(10);
        var completions = new RecordingCompletion[Streams];
        var streams = new SseMeteringStream[Streams];
        var reads = new Task<int>[Streams];
        var buffers = new byte[Streams][];
        for (int i = 0; i < Streams; i++)
        {
            completions[i] = new RecordingCompletion();
            streams[i] = new SseMeteringStream(new TestUpstream(SseSamples.Bytes(First)) { HangAtEnd = true }, NewCall(), completions[i], timeouts: new StreamTimeouts(time, idle, long.MaxValue));
            buffers[i] = new byte[4096];
            int first = await streams[i].ReadAsync(buffers[i]);
            Assert.That(first, Is.EqualTo(First.Length));
            reads[i] = streams[i].ReadAsync(buffers[i]).AsTask();
        }

        Assert.That(StreamTimeoutSweep.For(time).Count, Is.EqualTo(Streams));
        time.Advance(idle - TimeSpan.FromSeconds(1));
        await Task.Delay(20);
        Assert.That(reads.Count(r => r.IsCompleted), Is.Zero, "no limit runs out early");

        time.Advance(TimeSpan.FromSeconds(1) + StreamTimeoutSweep.Resolution);
        await Task.WhenAll(reads).WaitAsync(TimeSpan.FromSeconds(30));
        for (int i = 0; i < Streams; i++)
        {
            Assert.That(Encoding.UTF8.GetString(buffers[i], 0, reads[i].Result), Does.Contain(SseMeteringStream.StreamTimeoutErrorType));
            Assert.That(await streams[i].ReadAsync(buffers[i]), Is.Zero);
            Assert.That(completions[i].SingleOutcome, Is.EqualTo(LlmCallOutcome.Failed));
            await streams[i].DisposeAsync();
        }

        Assert.Multiple(() =>
        {
            Assert.That(time.TimersCreated, Is.EqualTo(1), "one timer for all streams, not one per stream");
            Assert.That(StreamTimeoutSweep.For(time).Count, Is.Zero, "ended streams leave the sweep");
        });
    }

    private static LlmCall NewCall() => new("agent-1", 0)
    {
        Api = LlmApi.ChatCompletions,
        Provider = LlmProvider.OpenAI,
        IsStreaming = true,
    };

    private sealed class CountingTimeProvider : FakeTimeProvider
    {
        private int _timers;

        public int TimersCreated => Volatile.Read(ref _timers);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _timers);
            return base.CreateTimer(callback, state, dueTime, period);
        }
    }

    /// <summary>An upstream whose asynchronous read must not be used by a synchronous caller.</summary>
    private sealed class SyncOnlyUpstream(byte[] bytes, int maxBytesPerRead) : Stream
    {
        private int _offset;

        public int AsyncReads { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int count = Math.Min(Math.Min(buffer.Length, maxBytesPerRead), bytes.Length - _offset);
            bytes.AsSpan(_offset, count).CopyTo(buffer);
            _offset += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            AsyncReads++;
            return ValueTask.FromException<int>(new InvalidOperationException("a synchronous read blocked on an asynchronous one"));
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
