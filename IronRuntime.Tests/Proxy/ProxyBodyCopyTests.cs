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

    [Test]
    public async Task CopyBodyAsync_LongAnswerAvailableAtOnce_FlushedEvery64KiB_NoEmptyFlushAtTheEnd()
    {
        // At most 64 KiB wait unflushed in the proxy, whatever the provider sends at once: 128 KiB in reads of 4 KiB
        // leave in two flushes, at 64 KiB and at 128 KiB, and the end adds no flush of nothing.
        byte[] body = new byte[128 * 1024];
        Random.Shared.NextBytes(body);
        var agent = new RecordingStream();
        var writer = new FlushCountingWriter(PipeWriter.Create(agent, new StreamPipeWriterOptions(leaveOpen: true)));

        await ProxyRequestHandler.CopyBodyAsync(TestUpstream.Of(body, maxBytesPerRead: 4096), writer, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(agent.Received, Is.EqualTo(body));
            Assert.That(agent.FlushedAt, Is.EqualTo(new[] { 64 * 1024, 128 * 1024 }));
            Assert.That(writer.Flushes, Is.EqualTo(2), "no flush of nothing at the end");
        });
    }

    [Test]
    public async Task CopyBodyAsync_AgentGoneWhileTheAnswerKeepsComing_StopsReadingTheProviderWithin64KiB()
    {
        var agent = new Pipe();
        await agent.Reader.CompleteAsync(); // the agent went away: the next flush says so
        var upstream = new CountingUpstream(total: 1024 * 1024);

        await ProxyRequestHandler.CopyBodyAsync(upstream, agent.Writer, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(upstream.BytesRead, Is.InRange(1, 64 * 1024), "no more of the provider's answer is read for nobody");
    }

    [Test]
    public async Task CopyBodyAsync_AgentGoneDuringAPauseOfTheStream_LeavesTheWait()
    {
        var provider = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
        var agent = new Pipe();
        await agent.Reader.CompleteAsync();
        await provider.Writer.WriteAsync(SseSamples.Bytes("data: {\"a\":1}\n\n"));

        // The provider sends nothing more (a pause in the stream): the copy must not wait for it once the agent is gone.
        Task copy = ProxyRequestHandler.CopyBodyAsync(provider.Reader.AsStream(), agent.Writer, CancellationToken.None);

        Assert.That(async () => await copy.WaitAsync(TimeSpan.FromSeconds(10)), Throws.Nothing);
        await provider.Writer.CompleteAsync();
    }

    [Test]
    public async Task CopyBodyAsync_ProviderSlowToSendItsFirstByte_NothingFlushedWhileWaiting()
    {
        // A flush commits the agent's response (Kestrel sends the status line and headers at the first flush, even of
        // no bytes): nothing is committed before there is a byte, so a provider that fails first can still be answered.
        var provider = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
        var agent = new RecordingStream();
        var writer = new FlushCountingWriter(PipeWriter.Create(agent, new StreamPipeWriterOptions(leaveOpen: true)));
        byte[] only = SseSamples.Bytes("data: {\"a\":1}\n\n");

        Task copy = ProxyRequestHandler.CopyBodyAsync(provider.Reader.AsStream(), writer, CancellationToken.None);
        int flushesWhileWaiting = writer.Flushes;
        await provider.Writer.WriteAsync(only);
        await provider.Writer.CompleteAsync();
        await copy.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Multiple(() =>
        {
            Assert.That(copy.IsCompleted, Is.True);
            Assert.That(flushesWhileWaiting, Is.Zero);
            Assert.That(agent.Received, Is.EqualTo(only));
            Assert.That(writer.Flushes, Is.EqualTo(1));
        });
    }

    [Test]
    public void CopyBodyAsync_ProviderBreaksOffBeforeAnyByte_NothingIsFlushed()
    {
        var writer = new FlushCountingWriter(PipeWriter.Create(new RecordingStream(), new StreamPipeWriterOptions(leaveOpen: true)));
        var upstream = new TestUpstream { FailAtEnd = new IOException("The provider reset the connection.") };

        Assert.ThrowsAsync<IOException>(() => ProxyRequestHandler.CopyBodyAsync(upstream, writer, CancellationToken.None));
        Assert.That(writer.Flushes, Is.Zero, "the response stays uncommitted (a flush would commit a 200): the caller aborts it");
    }

    [Test]
    public async Task CopyBodyAsync_StreamWaitingForItsNextEvent_HasAskedTheAgentsWriterForNoMemory()
    {
        // Kestrel's HTTP/1.1 chunked writer keeps the memory it last handed out (GetMemory/GetSpan) in a field for the life
        // of the connection: an open stream that wrote through it kept an 8 KB block of the transport's pool alive after
        // the block went back to the pool (about 2,000 blocks at 4,000 open streams, issue #19 stop 11). The copy writes
        // whole buffers with WriteAsync instead, which Kestrel copies into its pipe without keeping a reference.
        var provider = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
        var agent = new RecordingStream();
        var writer = new MemoryRequestRecordingWriter(PipeWriter.Create(agent, new StreamPipeWriterOptions(leaveOpen: true)));
        byte[] first = SseSamples.Bytes("data: {\"a\":1}\n\n");
        byte[] second = SseSamples.Bytes("data: {\"a\":2}\n\ndata: {\"a\":3}\n\n");

        await provider.Writer.WriteAsync(first);
        Task copy = ProxyRequestHandler.CopyBodyAsync(provider.Reader.AsStream(), writer, CancellationToken.None);
        await WaitUntilAsync(() => agent.Received.Length == first.Length);
        await provider.Writer.WriteAsync(second);
        await WaitUntilAsync(() => agent.Received.Length == first.Length + second.Length);

        Assert.Multiple(() =>
        {
            Assert.That(copy.IsCompleted, Is.False, "the stream waits for its next event");
            Assert.That(writer.MemoryRequests, Is.Zero);
            Assert.That(writer.Writes, Is.EqualTo(2), "one write per burst");
        });
        await provider.Writer.CompleteAsync();
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
        private readonly List<int> _flushedAt = [];
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

        /// <summary>How many bytes had been received at each flush.</summary>
        public int[] FlushedAt
        {
            get
            {
                lock (_received)
                {
                    return [.. _flushedAt];
                }
            }
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
            lock (_received)
            {
                _flushedAt.Add((int)_received.Length);
            }

            Interlocked.Increment(ref _flushes);
        }

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Flush();
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

    /// <summary>A provider answer of <c>total</c> bytes, always available, in reads of at most 4 KiB; counts what was read.</summary>
    private sealed class CountingUpstream(int total) : IronRuntime.Router.Internal.ReadOnlyStream
    {
        public int BytesRead { get; private set; }

        public override bool CanRead => true;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => ValueTask.FromResult(Read(buffer.Span));

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int count = Math.Min(Math.Min(buffer.Length, 4096), total - BytesRead);
            buffer[..count].Fill((byte)'x');
            BytesRead += count;
            return count;
        }
    }

    /// <summary>
    /// Counts the memory asked of the agent's response writer (GetMemory/GetSpan) and the whole-buffer writes; writes go
    /// straight to the inner writer, as Kestrel's response writer copies them without handing out memory.
    /// </summary>
    private sealed class MemoryRequestRecordingWriter(PipeWriter inner) : PipeWriter
    {
        private int _memoryRequests;
        private int _writes;

        public int MemoryRequests => Volatile.Read(ref _memoryRequests);

        public int Writes => Volatile.Read(ref _writes);

        public override void Advance(int bytes) => inner.Advance(bytes);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _writes);
            return inner.WriteAsync(source, cancellationToken);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0)
        {
            Interlocked.Increment(ref _memoryRequests);
            return inner.GetMemory(sizeHint);
        }

        public override Span<byte> GetSpan(int sizeHint = 0)
        {
            Interlocked.Increment(ref _memoryRequests);
            return inner.GetSpan(sizeHint);
        }
    }

    /// <summary>Counts every flush asked of the agent's response writer, of bytes or of none (Kestrel commits the response at the first).</summary>
    private sealed class FlushCountingWriter(PipeWriter inner) : PipeWriter
    {
        private int _flushes;

        public int Flushes => Volatile.Read(ref _flushes);

        public override void Advance(int bytes) => inner.Advance(bytes);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _flushes);
            return inner.FlushAsync(cancellationToken);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
    }
}
