namespace IronRuntime.Tests.Streaming;

/// <summary>
/// A provider response body for tests: yields the given chunks (at most <see cref="MaxBytesPerRead"/> bytes per
/// read), then ends, throws, or hangs until cancelled.
/// </summary>
internal sealed class TestUpstream : Stream
{
    private readonly byte[][] _chunks;
    private int _index;
    private int _offset;

    public TestUpstream(params byte[][] chunks) => _chunks = chunks;

    /// <summary>The most bytes one read returns.</summary>
    public int MaxBytesPerRead { get; init; } = int.MaxValue;

    /// <summary>Thrown instead of returning end-of-stream.</summary>
    public Exception? FailAtEnd { get; init; }

    /// <summary>Instead of returning end-of-stream, wait until the read is cancelled.</summary>
    public bool HangAtEnd { get; init; }

    public bool IsDisposed { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public static TestUpstream Of(byte[] bytes, int maxBytesPerRead = int.MaxValue) => new(bytes) { MaxBytesPerRead = maxBytesPerRead };

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_index == _chunks.Length)
        {
            if (FailAtEnd is not null)
            {
                throw FailAtEnd;
            }

            if (HangAtEnd)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return 0;
        }

        return Copy(buffer.Span);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_index == _chunks.Length)
        {
            return FailAtEnd is not null ? throw FailAtEnd : 0;
        }

        return Copy(buffer);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        IsDisposed = true;
        base.Dispose(disposing);
    }

    private int Copy(Span<byte> buffer)
    {
        byte[] chunk = _chunks[_index];
        int count = Math.Min(Math.Min(chunk.Length - _offset, buffer.Length), MaxBytesPerRead);
        chunk.AsSpan(_offset, count).CopyTo(buffer);
        _offset += count;
        if (_offset == chunk.Length)
        {
            _index++;
            _offset = 0;
        }

        return count;
    }
}
