using System.Text;
using IronRuntime.Router.Simulation;

namespace IronRuntime.Tests.Simulation;

[TestFixture]
public sealed class EventReadStreamTests
{
    [Test]
    public async Task ReadAsync_LargeBuffer_ReturnsOneFrameAtATime()
    {
        using var stream = new EventReadStream(Frames("one\n\n", "two\n\n"));
        var buffer = new byte[1024];

        int first = await stream.ReadAsync(buffer);
        string firstText = Encoding.UTF8.GetString(buffer, 0, first);
        int second = await stream.ReadAsync(buffer);
        string secondText = Encoding.UTF8.GetString(buffer, 0, second);
        int end = await stream.ReadAsync(buffer);

        Assert.Multiple(() =>
        {
            Assert.That(firstText, Is.EqualTo("one\n\n"));
            Assert.That(secondText, Is.EqualTo("two\n\n"));
            Assert.That(end, Is.Zero);
        });
    }

    [Test]
    public void Read_SmallBuffer_SplitsAFrameAcrossReads()
    {
        using var stream = new EventReadStream(Frames("abcdef"));
        var buffer = new byte[4];

        int first = stream.Read(buffer, 0, 4);
        int second = stream.Read(buffer, 0, 4);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(4));
            Assert.That(second, Is.EqualTo(2));
            Assert.That(Encoding.UTF8.GetString(buffer, 0, 2), Is.EqualTo("ef"));
        });
    }

    [Test]
    public void Read_Frames_AreProducedOnlyWhenNeeded()
    {
        int produced = 0;
        IEnumerable<ReadOnlyMemory<byte>> Lazy()
        {
            for (int i = 0; i < 3; i++)
            {
                produced++;
                yield return Encoding.UTF8.GetBytes($"frame {i}\n\n");
            }
        }

        using var stream = new EventReadStream(Lazy());
        _ = stream.Read(new byte[1024], 0, 1024);

        Assert.That(produced, Is.EqualTo(1));
    }

    [Test]
    public void Read_EmptyFrames_AreSkipped()
    {
        using var stream = new EventReadStream(Frames(string.Empty, "x"));

        Assert.That(stream.ReadByte(), Is.EqualTo('x'));
    }

    [Test]
    public void Stream_IsReadOnlyAndNotSeekable()
    {
        using var stream = new EventReadStream(Frames("x"));

        Assert.Multiple(() =>
        {
            Assert.That(stream.CanRead, Is.True);
            Assert.That(stream.CanSeek, Is.False);
            Assert.That(stream.CanWrite, Is.False);
            Assert.That(() => stream.Length, Throws.InstanceOf<NotSupportedException>());
        });
    }

    [Test]
    public void Read_AfterDispose_Throws()
    {
        var stream = new EventReadStream(Frames("x"));
        stream.Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(stream.CanRead, Is.False);
            Assert.That(() => stream.ReadByte(), Throws.InstanceOf<ObjectDisposedException>());
        });
    }

    private static IEnumerable<ReadOnlyMemory<byte>> Frames(params string[] frames) =>
        frames.Select(f => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(f));
}
