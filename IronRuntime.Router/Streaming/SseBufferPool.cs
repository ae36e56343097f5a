using System.Buffers;
using IronRuntime.Router.Internal;

namespace IronRuntime.Router.Streaming;

/// <summary>
/// The arrays a stream's <see cref="SseInputBuffer"/> holds while bytes wait to be handed out, and the proxy's copy
/// gathers a burst in: a pool of its own for the common size, deep enough for thousands of open streams (issue #19).
/// </summary>
/// <remarks>
/// <para>
/// <see cref="ArrayPool{T}.Shared"/> keeps 32 arrays of a size per core. When many streams hold a buffer at once —
/// thousands of open streams whose events arrive while the process is busy — the shared pool runs dry, every further
/// rent allocates a new array and every return beyond its depth drops one to the collector: measured at 4,000 open
/// streams, kilobytes allocated per forwarded event, a collection several times a second and seconds of pauses
/// (docs/performance.md). This pool keeps up to <see cref="Depth"/> arrays of <see cref="ArraySize"/> bytes (at most
/// 4 MiB retained); larger arrays, rented only while one event outgrows it, come from the shared pool.
/// </para>
/// <para>
/// The arrays kept unused are trimmed over time to as many as were recently in use at once
/// (<see cref="TrimmedFreeList{T}"/>): events are handled in microseconds, so in steady state far fewer are in use than
/// a burst left behind (about 1,100 kept, 1.2 KB per open stream, at 4,000 open streams before).
/// </para>
/// </remarks>
internal sealed class SseBufferPool
{
    /// <summary>The size of the arrays pooled here: the stream's default initial buffer.</summary>
    public const int ArraySize = 4 * 1024;

    /// <summary>The most arrays kept.</summary>
    public const int Depth = 1024;

    private readonly TrimmedFreeList<byte[]> _arrays;

    /// <summary>Creates an empty pool.</summary>
    /// <param name="time">The clock whose sweep trims the unused arrays.</param>
    public SseBufferPool(TimeProvider time) => _arrays = new TrimmedFreeList<byte[]>(Depth, time);

    /// <summary>The process's pool.</summary>
    public static SseBufferPool Shared { get; } = new(TimeProvider.System);

    /// <summary>The arrays kept unused now (for tests).</summary>
    internal int Retained => _arrays.Count;

    /// <summary>An array of at least <paramref name="minimumLength"/> bytes.</summary>
    public byte[] Rent(int minimumLength)
    {
        if (minimumLength is <= ArraySize / 2 or > ArraySize)
        {
            return ArrayPool<byte>.Shared.Rent(minimumLength);
        }

        return _arrays.TryTake(out byte[]? array) ? array : GC.AllocateUninitializedArray<byte>(ArraySize);
    }

    /// <summary>Returns an array rented from <see cref="Rent"/>.</summary>
    public void Return(byte[] array)
    {
        if (array.Length == ArraySize)
        {
            _arrays.TryAdd(array);
        }
        else
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
