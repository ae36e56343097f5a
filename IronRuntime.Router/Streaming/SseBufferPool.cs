using System.Buffers;

namespace IronRuntime.Router.Streaming;

/// <summary>
/// The arrays a stream's <see cref="SseInputBuffer"/> holds while bytes wait to be handed out: a pool of its own for
/// the common size, deep enough for thousands of open streams (issue #19).
/// </summary>
/// <remarks>
/// <see cref="ArrayPool{T}.Shared"/> keeps 32 arrays of a size per core. When many streams hold a buffer at once —
/// thousands of open streams whose events arrive while the process is busy — the shared pool runs dry, every further
/// rent allocates a new array and every return beyond its depth drops one to the collector: measured at 4,000 open
/// streams, kilobytes allocated per forwarded event, a collection several times a second and seconds of pauses
/// (docs/performance.md). This pool keeps up to <see cref="Depth"/> arrays of <see cref="ArraySize"/> bytes (at most
/// 4 MiB retained); larger arrays, rented only while one event outgrows it, come from the shared pool.
/// </remarks>
internal static class SseBufferPool
{
    /// <summary>The size of the arrays pooled here: the stream's default initial buffer.</summary>
    public const int ArraySize = 4 * 1024;

    /// <summary>The most arrays kept.</summary>
    public const int Depth = 1024;

    private static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(ArraySize, Depth);

    /// <summary>An array of at least <paramref name="minimumLength"/> bytes.</summary>
    public static byte[] Rent(int minimumLength)
        => minimumLength is > ArraySize / 2 and <= ArraySize ? Pool.Rent(minimumLength) : ArrayPool<byte>.Shared.Rent(minimumLength);

    /// <summary>Returns an array rented from <see cref="Rent"/>.</summary>
    public static void Return(byte[] array)
    {
        if (array.Length == ArraySize)
        {
            Pool.Return(array);
        }
        else
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
