using System.Buffers;

namespace IronRuntime.Router.Internal;

/// <summary>
/// Where a whole body is read to (<see cref="HttpContents.ReadLimitedAsync(HttpContent, long?, int, BodyBuffer, CancellationToken)"/>):
/// one array of the declared length, or — when the length is not declared (a chunked answer) — pooled arrays, the body
/// kept at the end in one array of its exact size.
/// </summary>
/// <remarks>
/// <para>
/// With a <c>Content-Length</c> the array is allocated once for it (plus one byte to see an overrun) and becomes the
/// body: no copy. Without one, the bytes go to an array rented from <see cref="ArrayPool{T}.Shared"/> (4 KiB, doubled
/// when full, up to <see cref="MaxRentedBytes"/>; a longer body continues in allocated arrays, as before) and
/// <see cref="Detach"/> copies them into an array of their length: a chunked answer of a few hundred
/// bytes allocates those bytes, not the 4 + 8 KiB that a growing <see cref="ArrayBufferWriter{T}"/> took for it (its
/// first buffer, then a second one when the last read asked for room again; issue #15).
/// </para>
/// <para>Not thread-safe; one per read. <see cref="Dispose"/> gives a rented array back unless it was detached.</para>
/// </remarks>
internal sealed class BodyBuffer : IBufferWriter<byte>, IDisposable
{
    /// <summary>The first rented array of a body whose length is not declared.</summary>
    public const int UndeclaredInitialBytes = 4096;

    /// <summary>The largest array rented; a longer body grows into allocated arrays (the pool keeps what it is given).</summary>
    public const int MaxRentedBytes = 64 * 1024;

    private bool _rented;
    private byte[]? _array;
    private int _written;

    /// <summary>A buffer for a body of <paramref name="declared"/> bytes (or unknown), read up to <paramref name="limit"/>.</summary>
    /// <param name="declared">The body's <c>Content-Length</c>, if any.</param>
    /// <param name="limit">The most bytes the read accepts (the array is never sized beyond it, plus one).</param>
    public BodyBuffer(long? declared, int limit)
    {
        _rented = declared is null;
        _array = _rented
            ? ArrayPool<byte>.Shared.Rent(Math.Min(UndeclaredInitialBytes, limit + 1))
            : new byte[(int)Math.Min(declared!.Value, limit) + 1];
    }

    /// <summary>The bytes written so far.</summary>
    public int WrittenCount => _written;

    /// <summary>The body so far (what arrived before a read failed, for charging a cut answer).</summary>
    public ReadOnlySpan<byte> WrittenSpan => _array is { } array ? array.AsSpan(0, _written) : default;

    /// <inheritdoc />
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_array is null || _written + count > _array.Length)
        {
            throw new InvalidOperationException("Advanced past the buffer.");
        }

        _written += count;
    }

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0) => Reserve(sizeHint).AsMemory(_written);

    /// <inheritdoc />
    public Span<byte> GetSpan(int sizeHint = 0) => Reserve(sizeHint).AsSpan(_written);

    /// <summary>
    /// The body, owned by the caller from now on: the declared-length array itself, or a copy of exactly the bytes
    /// written (the rented array goes back to the pool).
    /// </summary>
    /// <returns>The body.</returns>
    public ReadOnlyMemory<byte> Detach()
    {
        byte[] array = _array ?? throw new ObjectDisposedException(nameof(BodyBuffer));
        _array = null;
        if (!_rented)
        {
            return array.AsMemory(0, _written);
        }

        byte[] body = array.AsSpan(0, _written).ToArray();
        ArrayPool<byte>.Shared.Return(array);
        return body;
    }

    /// <summary>Gives a rented array back (nothing once detached).</summary>
    public void Dispose()
    {
        if (_array is { } array)
        {
            _array = null;
            if (_rented)
            {
                ArrayPool<byte>.Shared.Return(array);
            }
        }
    }

    private byte[] Reserve(int sizeHint)
    {
        byte[] array = _array ?? throw new ObjectDisposedException(nameof(BodyBuffer));
        int needed = Math.Max(sizeHint, 1);
        if (array.Length - _written >= needed)
        {
            return array;
        }

        int size = (int)Math.Min(Array.MaxLength, Math.Max((long)array.Length * 2, (long)_written + needed));
        bool rent = _rented && size <= MaxRentedBytes;
        byte[] larger = rent ? ArrayPool<byte>.Shared.Rent(size) : new byte[size];
        array.AsSpan(0, _written).CopyTo(larger);
        if (_rented)
        {
            ArrayPool<byte>.Shared.Return(array);
        }

        _rented = rent;
        _array = larger;
        return larger;
    }
}
