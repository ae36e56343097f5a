using System.IO.Pipelines;
using IronRuntime.Router.Proxy;
using IronRuntime.Tests.Streaming;

namespace IronRuntime.Tests.Proxy;

/// <summary>How the proxy copies an answer to the agent: one flush per burst, never a delayed event (issues #15, #19).</summary>
public sealed class ProxyBodyCopyTests
{
    [Test]
    public async Task CopyBodyAsync_BytesAlreadyAvailableOverManyReads_FlushesOnce()
    {
        byte[] body = SseSamples.Bytes(SseSamples.OpenAiChat(includeUsage: true));
        var agent = new RecordingStream();
        PipeWriter writer = PipeWriter.Create(agent, new StreamPipeWriterOptions(leaveOpen: true));

        await ProxyRequestHandler.CopyBodyAsync(TestUpstream.Of(body, maxBytesPerRead: 50), writer, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(agent.Received, Is.EqualTo(body));
            Assert.That(agent.Flushes, Is.EqualTo(1), $"{body.Length} bytes in reads of 50 bytes");
        });
    }

    [Test]
    public void CopyBodyAsync_ProviderBreaksOffAfterEventsItAlreadySent_ThoseEventsReachTheAgentBeforeTheError()
    {
        // Two events arrive at once, then the provider's connection breaks: the events were forwarded (and are charged
        // as forwarded), so they must reach the agent before its response is ended as broken.
        byte[] events = SseSamples.Bytes("data: {\"a\":1}\n\ndata: {\"a\":2}\n\n");
        var agent = new RecordingStream();
        PipeWriter writer = PipeWriter.Create(agent, new StreamPipeWriterOptions(leaveOpen: true));
        var upstream = new TestUpstream(events) { FailAtEnd = new IOException("The provider reset the connection.") };

        Assert.ThrowsAsync<IOException>(() => ProxyRequestHandler.CopyBodyAsync(upstream, writer, CancellationToken.None));
        Assert.That(agent.Received, Is.EqualTo(events));
    }

    [Test]
    public async Task CopyBodyAsync_NextBytesNotYetThere_FlushesWhatItHasBeforeWaiting()
    {
        var pipe = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
        var agent = new RecordingStream();
        PipeWriter writer = PipeWriter.Create(agent, new StreamPipeWriterOptions(leaveOpen: true));
        byte[] first = SseSamples.Bytes("data: {\"a\":1}\n\n");
        byte[] second = SseSamples.Bytes("data: {\"a\":2}\n\n");

        await pipe.Writer.WriteAsync(first);
        Task copy = ProxyRequestHandler.CopyBodyAsync(pipe.Reader.AsStream(), writer, CancellationToken.None);
        await WaitUntilAsync(() => agent.Received.Length == first.Length);
        Assert.That(copy.IsCompleted, Is.False);

        await pipe.Writer.WriteAsync(second);
        await WaitUntilAsync(() => agent.Received.Length == first.Length + second.Length);
        await pipe.Writer.CompleteAsync();
        await copy.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(agent.Received, Is.EqualTo(first.Concat(second).ToArray()));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.That(waited.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "timed out waiting");
            await Task.Delay(10);
        }
    }

    private sealed class RecordingStream : Stream
    {
        private readonly MemoryStream _received = new();
        private int _flushes;

        public byte[] Received
        {
            get
            {
                lock (_received)
                {
                    return _received.ToArray();
                }
            }
        }

        public int Flushes => Volatile.Read(ref _flushes);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush() => Interlocked.Increment(ref _flushes);

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _flushes);
            return Task.CompletedTask;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            lock (_received)
            {
                _received.Write(buffer);
            }
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }
    }
}
