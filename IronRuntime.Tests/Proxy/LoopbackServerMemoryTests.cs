using System.Buffers;
using System.IO.Pipelines;
using IronRuntime.Router.Proxy;
using IronRuntime.Tests.Streaming;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging.Abstractions;

namespace IronRuntime.Tests.Proxy;

/// <summary>
/// Where the proxy's connection buffers come from (issue #19, stop 10): a block pool of its own, never the process-wide
/// <see cref="ArrayPool{T}.Shared"/> that thousands of open streams run dry (an allocation per forwarded event).
/// </summary>
public sealed class LoopbackServerMemoryTests
{
    // Kestrel's chunked response writer adds the chunk framing (MaxBeginChunkLength 10 + EndChunkLength 2, aspnetcore
    // Http1OutputProducer) to the size asked for, and its pipe serves a request larger than a block of the transport's
    // pool from ArrayPool<byte>.Shared instead. The block size is read from the pool the server really uses.
    private const int ChunkFraming = 12;

    [Test]
    public async Task StartAsync_AConnection_TakesItsBuffersFromTheBlockPoolNotTheSharedArrayPool()
    {
        MemoryPool<byte>? pool = null;
        await using var server = await LoopbackServer.StartAsync(0, null, context =>
        {
            pool = context.Features.Get<IMemoryPoolFeature>()?.MemoryPool;
            return Task.CompletedTask;
        }, NullLoggerFactory.Instance, CancellationToken.None);
        using var client = new HttpClient();

        using var response = await client.GetAsync(server.BaseAddress);

        Assert.That(pool, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(pool, Is.Not.SameAs(MemoryPool<byte>.Shared), "the shared pool is ArrayPool<byte>.Shared underneath");
            Assert.That(pool!.MaxBufferSize, Is.GreaterThanOrEqualTo(4096), "at least Kestrel's own block");
        });
    }

    [Test]
    public void LoopbackMemoryPool_BlocksReturned_AreReusedUpToTheRetainedLimitAndNoMore()
    {
        using var pool = new LoopbackMemoryPool();
        var first = pool.Rent();
        byte[] firstArray = GetArray(first.Memory);
        first.Dispose();
        first.Dispose(); // a second dispose must not put the block in the pool twice

        using (var again = pool.Rent())
        {
            using var other = pool.Rent();
            Assert.Multiple(() =>
            {
                Assert.That(GetArray(again.Memory), Is.SameAs(firstArray), "the returned block is reused");
                Assert.That(GetArray(other.Memory), Is.Not.SameAs(firstArray), "and handed out once");
                Assert.That(again.Memory.Length, Is.EqualTo(LoopbackMemoryPool.BlockSize));
            });
        }

        var many = Enumerable.Range(0, LoopbackMemoryPool.MaxRetainedBlocks + 100).Select(_ => pool.Rent()).ToList();
        many.ForEach(b => b.Dispose());
        Assert.That(pool.RetainedBlocks, Is.EqualTo(LoopbackMemoryPool.MaxRetainedBlocks));
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(LoopbackMemoryPool.BlockSize + 1));
    }

    private static byte[] GetArray(Memory<byte> memory)
        => System.Runtime.InteropServices.MemoryMarshal.TryGetArray<byte>(memory, out var segment) ? segment.Array! : throw new InvalidOperationException("not an array");

    [Test]
    public async Task CopyBodyAsync_AStream_AsksForOutputSpaceThatOneBlockHoldsWithItsChunkFraming()
    {
        MemoryPool<byte>? pool = null;
        await using (var server = await LoopbackServer.StartAsync(0, null, context =>
        {
            pool = context.Features.Get<IMemoryPoolFeature>()?.MemoryPool;
            return Task.CompletedTask;
        }, NullLoggerFactory.Instance, CancellationToken.None))
        {
            using var client = new HttpClient();
            using var response = await client.GetAsync(server.BaseAddress);
        }

        byte[] body = SseSamples.Bytes(SseSamples.OpenAiChat(includeUsage: true));
        var writer = new HintRecordingWriter(PipeWriter.Create(Stream.Null));

        await ProxyRequestHandler.CopyBodyAsync(TestUpstream.Of(body, maxBytesPerRead: 50), writer, CancellationToken.None);

        Assert.That(writer.Hints, Is.Not.Empty);
        Assert.That(writer.Hints.Max() + ChunkFraming, Is.LessThanOrEqualTo(pool!.MaxBufferSize));
    }

    private sealed class HintRecordingWriter(PipeWriter inner) : PipeWriter
    {
        public List<int> Hints { get; } = [];

        public override void Advance(int bytes) => inner.Advance(bytes);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public override Memory<byte> GetMemory(int sizeHint = 0)
        {
            Hints.Add(sizeHint);
            return inner.GetMemory(sizeHint);
        }

        public override Span<byte> GetSpan(int sizeHint = 0)
        {
            Hints.Add(sizeHint);
            return inner.GetSpan(sizeHint);
        }
    }
}
