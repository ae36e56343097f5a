using IronRuntime.Router.Internal;

namespace IronRuntime.Router.Simulation;

/// <summary>
/// A read-only stream over a lazily produced sequence of frames: each frame is produced only when
/// the reader has consumed the previous one, so bytes come out event by event, never as one buffer.
/// </summary>
/// <remarks>
/// A read returns bytes of one frame at most. The frames may live in a reused buffer (see
/// <see cref="ProviderWireWriter.StreamEvents(ProviderReply)"/>): the stream copies each one out before asking for the next.
/// </remarks>
internal sealed class EventReadStream : ReadOnlyStream
{
    private IEnumerator<ReadOnlyMemory<byte>>? _frames;
    private ReadOnlyMemory<byte> _current;
    private bool _disposed;

    /// <summary>Creates a stream over <paramref name="frames"/>.</summary>
    public EventReadStream(IEnumerable<ReadOnlyMemory<byte>> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        _frames = frames.GetEnumerator();
    }

    /// <inheritdoc/>
    public override bool CanRead => !_disposed;

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (_current.IsEmpty)
        {
            if (_frames is null)
            {
                return 0;
            }

            if (!_frames.MoveNext())
            {
                _frames.Dispose();
                _frames = null;
                return 0;
            }

            _current = _frames.Current;
        }

        int count = Math.Min(buffer.Length, _current.Length);
        _current.Span[..count].CopyTo(buffer);
        _current = _current[count..];
        return count;
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        return ValueTask.FromResult(Read(buffer.Span));
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _disposed = true;
            _frames?.Dispose();
            _frames = null;
            _current = default;
        }

        base.Dispose(disposing);
    }
}
