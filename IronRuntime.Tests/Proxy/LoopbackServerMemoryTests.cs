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
        using var pool = new LoopbackMemoryPool(TimeProvider.System);
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
}
