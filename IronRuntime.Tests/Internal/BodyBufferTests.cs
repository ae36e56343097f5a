using System.Net;
using System.Runtime.InteropServices;
using IronRuntime.Router.Internal;

namespace IronRuntime.Tests.Internal;

/// <summary>
/// Reading a whole body (<see cref="HttpContents.ReadLimitedAsync(HttpContent, int, CancellationToken)"/> and
/// <see cref="BodyBuffer"/>): every byte kept, the limit held, and a chunked answer allocating its size rather than the
/// 12 KB of growing buffers it took (issue #15).
/// </summary>
public sealed class BodyBufferTests
{
    private const int Limit = 1024 * 1024;

    [Test]
    public async Task ReadLimited_SmallChunkedBody_AllocatesAboutItsSize()
    {
        byte[] source = Bytes(300);
        using var warm = new PiecewiseContent(source, piece: 64, declareLength: false);
        _ = await HttpContents.ReadLimitedAsync(warm, Limit, CancellationToken.None); // first use: JIT, pool buckets

        using var content = new PiecewiseContent(source, piece: 64, declareLength: false);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Task<byte[]> read = HttpContents.ReadLimitedAsync(content, Limit, CancellationToken.None);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        byte[] body = await read;

        Assert.Multiple(() =>
        {
            Assert.That(read.IsCompletedSuccessfully, Is.True, "every read completes at once: the count above saw the whole read");
            Assert.That(body, Is.EqualTo(source));
            // The body (~330 B with its header) plus the read's task and stream; a 4 KB first buffer alone would exceed it.
            Assert.That(allocated, Is.LessThan(2048), "bytes allocated to read a 300-byte chunked body");
        });
    }

    [TestCase(1)]
    [TestCase(4095)]
    [TestCase(4096)]
    [TestCase(4097)]
    [TestCase(70_000)]
    [TestCase(300_000)]
    public async Task ReadLimited_ChunkedBodyOfAnySize_EveryByteInOrder(int length)
    {
        byte[] source = Bytes(length);
        using var content = new PiecewiseContent(source, piece: 1000, declareLength: false);

        byte[] body = await HttpContents.ReadLimitedAsync(content, Limit, CancellationToken.None);

        Assert.That(body, Is.EqualTo(source));
    }

    [Test]
    public async Task Detach_ChunkedBody_IsAnArrayOfExactlyItsLength()
    {
        byte[] source = Bytes(300);
        using var content = new PiecewiseContent(source, piece: 64, declareLength: false);
        using var buffer = new BodyBuffer(declared: null, Limit);

        await HttpContents.ReadLimitedAsync(content, declared: null, Limit, buffer, CancellationToken.None);
        ReadOnlyMemory<byte> body = buffer.Detach();

        Assert.Multiple(() =>
        {
            Assert.That(MemoryMarshal.TryGetArray(body, out var segment), Is.True);
            Assert.That(segment.Array!, Has.Length.EqualTo(300), "the body keeps no spare capacity alive");
            Assert.That(body.ToArray(), Is.EqualTo(source));
        });
    }

    [Test]
    public async Task Detach_DeclaredBody_IsTheArrayItWasReadInto()
    {
        byte[] source = Bytes(300);
        using var content = new PiecewiseContent(source, piece: 64, declareLength: true);
        using var buffer = new BodyBuffer(declared: 300, Limit);
        Memory<byte> target = buffer.GetMemory(1);

        await HttpContents.ReadLimitedAsync(content, declared: 300, Limit, buffer, CancellationToken.None);
        ReadOnlyMemory<byte> body = buffer.Detach();

        Assert.Multiple(() =>
        {
            Assert.That(MemoryMarshal.TryGetArray(body, out var read) && MemoryMarshal.TryGetArray((ReadOnlyMemory<byte>)target, out var first) && read.Array == first.Array,
                Is.True, "a declared length is read into one array that becomes the body, without a copy");
            Assert.That(body.ToArray(), Is.EqualTo(source));
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public void ReadLimited_BodyOverTheLimit_ThrowsAndKeepsWhatArrived(bool declareLength)
    {
        byte[] source = Bytes(5000);
        using var content = new PiecewiseContent(source, piece: 700, declareLength);
        using var buffer = new BodyBuffer(declareLength ? 5000 : null, limit: 1000);

        Assert.ThrowsAsync<InvalidDataException>(() => HttpContents.ReadLimitedAsync(content, declareLength ? 5000 : null, 1000, buffer, CancellationToken.None));
        if (!declareLength)
        {
            // Chunked: the bytes read until the limit was passed stay readable, to charge a cut answer's output.
            Assert.That(buffer.WrittenSpan.ToArray(), Is.EqualTo(source[..buffer.WrittenCount]).And.Length.GreaterThan(1000));
        }
    }

    [Test]
    public void WrittenSpan_AfterDetach_IsEmptyNotAFault()
    {
        using var buffer = new BodyBuffer(declared: null, Limit);
        buffer.GetSpan(3)[..3].Fill(7);
        buffer.Advance(3);
        _ = buffer.Detach();

        Assert.That(buffer.WrittenSpan.IsEmpty, Is.True);
    }

    private static byte[] Bytes(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 31 + 7))];

    /// <summary>A body given out in pieces by a stream whose reads complete at once; with or without a declared length.</summary>
    private sealed class PiecewiseContent(byte[] body, int piece, bool declareLength) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(body).AsTask();

        protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(new PiecewiseStream(body, piece));

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return declareLength;
        }
    }

    private sealed class PiecewiseStream(byte[] body, int piece) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(Math.Min(piece, buffer.Length), body.Length - _position);
            body.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
