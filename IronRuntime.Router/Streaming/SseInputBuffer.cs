using System.Buffers;
using System.Runtime.CompilerServices;

namespace IronRuntime.Router.Streaming;

/// <summary>
/// The bytes read from a provider's stream and not yet consumed, in one pooled array that exists only while it holds
/// bytes: an idle stream waits for its next bytes with a zero-byte read and holds no buffer (issue #19). The arrays
/// come from <see cref="SseBufferPool"/>, deep enough for thousands of streams holding bytes at once.
/// </summary>
/// <remarks>
/// <para>
/// Replaces a <see cref="System.IO.Pipelines.PipeReader"/> here because a pipe has no synchronous read and holds its
/// segment size whatever the event size: the array starts at the initial size, grows (doubling) only while one
/// unfinished event fills it, is compacted when consumed bytes sit in front, and goes back to the pool as soon as
/// every byte has been consumed.
/// </para>
/// <para>
/// The caller guarantees that no slice of <see cref="Unread"/> is in use when it calls <see cref="AdvanceTo"/>,
/// <see cref="FillAsync"/>, <see cref="Fill"/> or <see cref="Release"/>, and that no fill is in flight when it calls
/// <see cref="Release"/>. Not thread-safe.
/// </para>
/// </remarks>
internal sealed class SseInputBuffer
{
    private const int CompactBelow = 512;

    private readonly Stream _upstream;
    private readonly int _initialSize;
    private readonly int _maxSize;
    private byte[]? _array;
    private int _start;
    private int _end;

    /// <summary>Creates the buffer.</summary>
    /// <param name="upstream">The stream to read.</param>
    /// <param name="initialSize">The size of the first array rented for a burst of bytes (tests use tiny ones).</param>
    /// <param name="maxEventBytes">The largest event accepted: the array never grows beyond this (plus one read).</param>
    public SseInputBuffer(Stream upstream, int initialSize, int maxEventBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initialSize);
        _upstream = upstream;
        _initialSize = initialSize;
        _maxSize = Math.Max(initialSize, maxEventBytes);
    }

    /// <summary>The unconsumed bytes (empty when no array is held).</summary>
    public ReadOnlySequence<byte> Unread => _array is null ? default : new ReadOnlySequence<byte>(_array, _start, _end - _start);

    /// <summary>Whether the upstream has ended (a read returned 0).</summary>
    public bool Completed { get; private set; }

    /// <summary>Whether an array is held (for tests of the idle footprint).</summary>
    internal bool HoldsArray => _array is not null;

    /// <summary>Marks the bytes before <paramref name="consumed"/> as consumed; returns the array when nothing is left.</summary>
    /// <param name="consumed">A position in <see cref="Unread"/>.</param>
    public void AdvanceTo(SequencePosition consumed)
    {
        if (_array is null)
        {
            return;
        }

        if (consumed.GetObject() is byte[] array && ReferenceEquals(array, _array))
        {
            _start = consumed.GetInteger();
        }

        if (_start == _end)
        {
            Release();
        }
    }

    /// <summary>Reads more bytes from upstream; when no bytes are held, first waits for data with a zero-byte read.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>A task that completes when bytes were appended or the upstream ended.</returns>
    /// <remarks>
    /// Its state machine comes from a pool: a stream that waits for every event allocates nothing per wait.
    /// <see cref="SseMeteringStream"/> runs the same steps (<see cref="WaitAsync"/>, <see cref="ReadAsync"/>,
    /// <see cref="Appended"/>) in its own state machine, so that a waiting stream holds one rather than two.
    /// </remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        await WaitAsync(cancellationToken).ConfigureAwait(false);
        Appended(await ReadAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// The first step of a fill: when no bytes are held, waits for data without a buffer — streams that support it
    /// (sockets, HTTP response bodies) complete a zero-byte read when data is available; the others return 0 at once.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The wait (completed when bytes are held).</returns>
    public ValueTask<int> WaitAsync(CancellationToken cancellationToken)
        => _array is null ? _upstream.ReadAsync(Memory<byte>.Empty, cancellationToken) : new ValueTask<int>(0);

    /// <summary>The second step of a fill: reads into the space after the held bytes; pass its result to <see cref="Appended"/>.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The number of bytes read; 0 when the upstream ended.</returns>
    public ValueTask<int> ReadAsync(CancellationToken cancellationToken) => _upstream.ReadAsync(PrepareSpace(), cancellationToken);

    /// <summary>Reads more bytes from upstream synchronously (the caller chose a synchronous read).</summary>
    public void Fill()
    {
        Memory<byte> space = PrepareSpace();
        int read = _upstream.Read(space.Span);
        Appended(read);
    }

    /// <summary>Returns the array to the pool; the next fill rents a new one.</summary>
    public void Release()
    {
        byte[]? array = _array;
        _array = null;
        _start = _end = 0;
        if (array is not null)
        {
            SseBufferPool.Shared.Return(array);
        }
    }

    private Memory<byte> PrepareSpace()
    {
        if (_array is null)
        {
            _array = SseBufferPool.Shared.Rent(_initialSize);
            _start = _end = 0;
        }
        else if (_array.Length - _end < MinimumSpace(_array.Length))
        {
            int held = _end - _start;
            if (_start > 0 && _array.Length - held >= MinimumSpace(_array.Length))
            {
                _array.AsSpan(_start, held).CopyTo(_array);
            }
            else
            {
                // One unfinished event fills the array: grow, up to the event cap (the event reader refuses beyond).
                int size = (int)Math.Min(Math.Max(2L * _array.Length, held + 1L), Math.Max(_maxSize + 1L, held + 1L));
                byte[] larger = SseBufferPool.Shared.Rent(size);
                _array.AsSpan(_start, held).CopyTo(larger);
                SseBufferPool.Shared.Return(_array);
                _array = larger;
            }

            _start = 0;
            _end = held;
        }

        return _array.AsMemory(_end);
    }

    /// <summary>The least free space worth a read: half the array, at most 512 bytes.</summary>
    private static int MinimumSpace(int length) => Math.Max(1, Math.Min(CompactBelow, length / 2));

    /// <summary>The last step of a fill: records the bytes <see cref="ReadAsync"/> read (0: the upstream ended).</summary>
    /// <param name="read">The read's result.</param>
    public void Appended(int read)
    {
        if (read == 0)
        {
            Completed = true;
            if (_start == _end)
            {
                Release();
            }

            return;
        }

        _end += read;
    }
}
