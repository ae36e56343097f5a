using System.Buffers;
using IronRuntime.Router.Internal;

namespace IronRuntime.Router.Proxy;

/// <summary>
/// The blocks the loopback proxy's connections read requests into and write answers from: 8,192-byte arrays, reused,
/// and at most <see cref="MaxRetainedBlocks"/> kept while unused — trimmed over time to as many as were recently
/// needed at once (<see cref="TrimmedFreeList{T}"/>).
/// </summary>
/// <remarks>
/// <para>
/// Kestrel's socket transport takes its pool from the container it is built in; built without one it falls back to
/// <see cref="MemoryPool{T}.Shared"/>, i.e. <see cref="ArrayPool{T}.Shared"/>, which keeps 32 arrays of a size per core.
/// Thousands of open streams run that dry: every forwarded event then allocated a new 8 KB array and its return
/// dropped one (issue #19, stop 10: kilobytes per event, collections several times a second). Kestrel's own pinned
/// pool would serve, but it releases unused blocks only on the heartbeat of a server built by the ASP.NET Core host, so
/// under the proxy's hand-built server it would keep its peak forever. This pool grows to the blocks in use at once,
/// reuses them, gives blocks beyond <see cref="MaxRetainedBlocks"/> back to the collector when they are returned, and
/// gives back, pass after pass, the blocks that stayed unused (issue #19: about 500 blocks, 1 KB per open stream, were
/// kept at 4,000 open streams where far fewer are in use at once).
/// The arrays are ordinary ones, not pinned: the pinned object heap is never compacted, so a burst (eight 40 MB
/// request bodies, say) left its blocks' memory committed after they were dropped.
/// </para>
/// <para>Thread-safe. A block must be disposed once (Kestrel's pipes do); a rented block is never handed out twice.</para>
/// </remarks>
internal sealed class LoopbackMemoryPool : MemoryPool<byte>
{
    /// <summary>
    /// The size of a block: twice Kestrel's, so that one burst of the proxy's copy (a 4 KB array, written whole) plus the
    /// chunk framing Kestrel adds to it (12 bytes) lands in one block. A request larger than a block would go to
    /// <see cref="ArrayPool{T}.Shared"/> after all.
    /// </summary>
    public const int BlockSize = 8192;

    /// <summary>The most unused blocks kept: 2 MiB (the transport makes one pool per I/O queue, one queue per core up to 16).</summary>
    public const int MaxRetainedBlocks = 256;

    private readonly TrimmedFreeList<Block> _free;

    /// <summary>Creates an empty pool.</summary>
    /// <param name="time">The clock whose sweep trims the unused blocks.</param>
    public LoopbackMemoryPool(TimeProvider time) => _free = new TrimmedFreeList<Block>(MaxRetainedBlocks, time);

    /// <inheritdoc />
    public override int MaxBufferSize => BlockSize;

    /// <summary>The unused blocks kept now (for tests).</summary>
    internal int RetainedBlocks => _free.Count;

    /// <inheritdoc />
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        if (_free.TryTake(out Block? block))
        {
            block.Rented();
            return block;
        }

        return new Block(this);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing) => _free.Close();

    private void Return(Block block) => _free.TryAdd(block); // beyond what is kept: the collector takes it

    private sealed class Block(LoopbackMemoryPool pool) : IMemoryOwner<byte>
    {
        private readonly byte[] _array = GC.AllocateUninitializedArray<byte>(BlockSize);
        private int _returned;

        public Memory<byte> Memory
        {
            get
            {
                ObjectDisposedException.ThrowIf(Volatile.Read(ref _returned) != 0, this);
                return _array;
            }
        }

        public void Rented() => Volatile.Write(ref _returned, 0);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 0)
            {
                pool.Return(this);
            }
        }
    }
}
