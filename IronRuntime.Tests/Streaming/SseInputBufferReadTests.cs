using System.Buffers;
using IronRuntime.Router.Internal;
using IronRuntime.Router.Streaming;

namespace IronRuntime.Tests.Streaming;

/// <summary>
/// How a metering stream's input buffer reads, hands out, compacts, grows and gives back its bytes. Array sizes are
/// never assumed: each test learns the length of the first array from a first read that fills it (the pools round a
/// rented length up), and states what follows from that length.
/// </summary>
public sealed class SseInputBufferReadTests
{
    private const int Initial = 16;

    [Test]
    public void Constructor_InitialSizeZeroOrNegative_Throws()
    {
        using var upstream = new MemoryStream();
        Assert.Multiple(() =>
        {
            Assert.That(() => new SseInputBuffer(upstream, 0, 100), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new SseInputBuffer(upstream, -1, 100), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new SseInputBuffer(upstream, 1, 100), Throws.Nothing);
        });
    }

    [Test]
    public void NewBuffer_HoldsNothing()
    {
        var buffer = new SseInputBuffer(TestUpstream.Of(Bytes(10)), Initial, 1000);

        Assert.Multiple(() =>
        {
            Assert.That(buffer.HoldsArray, Is.False);
            Assert.That(buffer.Unread.IsEmpty, Is.True);
            Assert.That(buffer.Completed, Is.False);
        });
    }

    [Test]
    public async Task FillAsync_WithNothingHeld_WaitsWithAZeroByteReadFirst_ThenReadsTheBytes()
    {
        byte[] data = Bytes(10);
        var upstream = new RecordingUpstream(TestUpstream.Of(data, maxBytesPerRead: 4));
        var buffer = new SseInputBuffer(upstream, Initial, 1000);

        await buffer.FillAsync(CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(upstream.ReadSizes[0], Is.Zero, "the wait for data holds no buffer");
            Assert.That(upstream.ReadSizes, Has.Count.EqualTo(2));
            Assert.That(upstream.ReadSizes[1], Is.GreaterThanOrEqualTo(Initial));
            Assert.That(buffer.Unread.ToArray(), Is.EqualTo(data[..4]));
            Assert.That(buffer.HoldsArray, Is.True);
            Assert.That(buffer.Completed, Is.False);
        });

        await buffer.FillAsync(CancellationToken.None); // bytes held: no zero-byte wait, they are appended
        Assert.Multiple(() =>
        {
            Assert.That(upstream.ReadSizes, Has.Count.EqualTo(3));
            Assert.That(upstream.ReadSizes[2], Is.Positive);
            Assert.That(buffer.Unread.ToArray(), Is.EqualTo(data[..8]));
        });
    }

    [Test]
    public void Fill_Synchronous_AppendsTheBytesRead()
    {
        byte[] data = Bytes(10);
        var buffer = new SseInputBuffer(TestUpstream.Of(data, maxBytesPerRead: 4), Initial, 1000);

        buffer.Fill();
        buffer.Fill();
        buffer.Fill();

        Assert.Multiple(() =>
        {
            Assert.That(buffer.Unread.ToArray(), Is.EqualTo(data));
            Assert.That(buffer.Completed, Is.False, "no read has returned 0 yet");
        });
    }

    [Test]
    public void AdvanceTo_PartOfTheBytes_LeavesTheRest_AllOfThem_GivesTheArrayBack()
    {
        byte[] data = Bytes(10);
        var buffer = new SseInputBuffer(TestUpstream.Of(data), Initial, 1000);
        buffer.Fill();

        buffer.AdvanceTo(buffer.Unread.GetPosition(3));
        Assert.Multiple(() =>
        {
            Assert.That(buffer.Unread.ToArray(), Is.EqualTo(data[3..]));
            Assert.That(buffer.HoldsArray, Is.True);
        });

        buffer.AdvanceTo(buffer.Unread.End);
        Assert.Multiple(() =>
        {
            Assert.That(buffer.Unread.IsEmpty, Is.True);
            Assert.That(buffer.HoldsArray, Is.False, "an idle stream holds no array");
        });
    }

    [Test]
    public void AdvanceTo_APositionOfAnotherBuffer_ConsumesNothing()
    {
        byte[] data = Bytes(10);
        var buffer = new SseInputBuffer(TestUpstream.Of(data), Initial, 1000);
        buffer.Fill();
        SequencePosition foreign = new ReadOnlySequence<byte>(new byte[64]).GetPosition(5);

        buffer.AdvanceTo(foreign);
        buffer.AdvanceTo(default);

        Assert.Multiple(() =>
        {
            Assert.That(buffer.Unread.ToArray(), Is.EqualTo(data));
            Assert.That(buffer.HoldsArray, Is.True);
        });
    }

    [Test]
    public void AdvanceTo_WithNothingHeld_DoesNothing()
    {
        var buffer = new SseInputBuffer(TestUpstream.Of(Bytes(10)), Initial, 1000);

        buffer.AdvanceTo(new ReadOnlySequence<byte>(new byte[8]).GetPosition(8));

        Assert.Multiple(() =>
        {
            Assert.That(buffer.HoldsArray, Is.False);
            Assert.That(buffer.Unread.IsEmpty, Is.True);
        });
    }

    [Test]
    public async Task UpstreamEnds_WithNothingHeld_CompletesAndHoldsNoArray()
    {
        var buffer = new SseInputBuffer(TestUpstream.Of([]), Initial, 1000);

        await buffer.FillAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(buffer.Completed, Is.True);
            Assert.That(buffer.HoldsArray, Is.False);
            Assert.That(buffer.Unread.IsEmpty, Is.True);
        });
    }

    [Test]
    public void UpstreamEnds_WithBytesHeld_CompletesAndKeepsTheBytes()
    {
        byte[] data = Bytes(5);
        var buffer = new SseInputBuffer(TestUpstream.Of(data), Initial, 1000);
        buffer.Fill();

        buffer.Fill();

        Assert.Multiple(() =>
        {
            Assert.That(buffer.Completed, Is.True);
            Assert.That(buffer.HoldsArray, Is.True);
            Assert.That(buffer.Unread.ToArray(), Is.EqualTo(data), "the unfinished tail stays for the reader to judge");
        });
    }

    [Test]
    public void Release_DropsTheBytes_TheNextFillStartsAFreshArray()
    {
        byte[] data = Bytes(30);
        var buffer = new SseInputBuffer(TestUpstream.Of(data, maxBytesPerRead: 10), Initial, 1000);
        buffer.Fill();

        buffer.Release();
        Assert.Multiple(() =>
        {
            Assert.That(buffer.HoldsArray, Is.False);
            Assert.That(buffer.Unread.IsEmpty, Is.True);
        });

        buffer.Fill();
        Assert.That(buffer.Unread.ToArray(), Is.EqualTo(data[10..20]));
    }

    [Test]
    public void ConsumedHalfInFront_NextFill_MovesTheRestToTheFront_InsteadOfGrowing()
    {
        byte[] data = Bytes(1000);
        var buffer = new SseInputBuffer(TestUpstream.Of(data), Initial, 1000);
        buffer.Fill();
        int length = (int)buffer.Unread.Length; // the first read filled the whole first array
        Assert.That(length, Is.InRange(Initial, 511), "a small array, whose least useful space is half of it");

        buffer.AdvanceTo(buffer.Unread.GetPosition(length / 2)); // exactly the least useful space is freed in front
        buffer.Fill();

        Assert.That(buffer.Unread.ToArray(), Is.EqualTo(data[(length / 2)..(length + (length / 2))]),
            "the same array, its free half read full again");
    }

    [Test]
    public void ConsumedLessThanHalfInFront_NextFill_Grows()
    {
        byte[] data = Bytes(1000);
        var buffer = new SseInputBuffer(TestUpstream.Of(data), Initial, 1000);
        buffer.Fill();
        int length = (int)buffer.Unread.Length;

        buffer.AdvanceTo(buffer.Unread.GetPosition((length / 2) - 1)); // one byte less than the least useful space
        buffer.Fill();

        long unread = buffer.Unread.Length;
        Assert.That(unread, Is.GreaterThan(length), "a larger array, read full");
        Assert.That(buffer.Unread.ToArray(), Is.EqualTo(data[((length / 2) - 1)..((length / 2) - 1 + (int)unread)]));
    }

    [Test]
    public void FreeSpaceOfHalfTheArray_NextFill_ReadsIntoIt()
    {
        // The first read stops at half of the first array; the second may fill the other half, no more.
        byte[] probe = Bytes(1000);
        var sizing = new SseInputBuffer(TestUpstream.Of(probe), Initial, 1000);
        sizing.Fill();
        int length = (int)sizing.Unread.Length;
        sizing.Release();

        byte[] data = Bytes(1000);
        var buffer = new SseInputBuffer(new TestUpstream(data[..(length / 2)], data[(length / 2)..]), Initial, 1000);
        buffer.Fill();
        buffer.Fill();

        Assert.That(buffer.Unread.ToArray(), Is.EqualTo(data[..length]));
    }

    [Test]
    public void LargeArray_LeastUsefulSpaceIs512Bytes()
    {
        // A 4 KiB array (the default initial size) with 512 bytes free reads into them instead of growing.
        byte[] data = Bytes(5000);
        var buffer = new SseInputBuffer(
            new TestUpstream(data[..(SseBufferPool.ArraySize - 512)], data[(SseBufferPool.ArraySize - 512)..]),
            SseBufferPool.ArraySize,
            64 * 1024);
        buffer.Fill();
        buffer.Fill();

        Assert.That(buffer.Unread.ToArray(), Is.EqualTo(data[..SseBufferPool.ArraySize]));
    }

    [Test]
    public void OneEventLargerThanTheArray_GrowsUntilItIsHeldWhole()
    {
        byte[] data = Bytes(700);
        var buffer = new SseInputBuffer(TestUpstream.Of(data), Initial, 1000);

        int fills = 0;
        while (!buffer.Completed)
        {
            buffer.Fill();
            fills++;
        }

        Assert.Multiple(() =>
        {
            Assert.That(buffer.Unread.ToArray(), Is.EqualTo(data), "every byte kept, in order, across the growths");
            Assert.That(fills, Is.LessThanOrEqualTo(8), "the array at least doubles each time (16 → 1024 in 6 growths)");
        });
    }

    [Test]
    public void FullArray_AfterConsumingAll_ButOneByte_GrowsOrCompactsWithoutLosingIt()
    {
        byte[] data = Bytes(100);
        var buffer = new SseInputBuffer(TestUpstream.Of(data), Initial, 1000);
        buffer.Fill();
        int length = (int)buffer.Unread.Length;

        buffer.AdvanceTo(buffer.Unread.GetPosition(length - 1));
        buffer.Fill();

        Assert.That(buffer.Unread.ToArray(), Is.EqualTo(data[(length - 1)..((2 * length) - 1)]),
            "the byte left is moved to the front, the rest of the array read full");
    }

    private static byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        for (int i = 0; i < count; i++)
        {
            bytes[i] = (byte)('a' + (i % 26));
        }

        return bytes;
    }

    /// <summary>An upstream that records the size of the buffer every read was given.</summary>
    private sealed class RecordingUpstream(Stream inner) : ReadOnlyStream
    {
        public List<int> ReadSizes { get; } = [];

        public override bool CanRead => true;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            ReadSizes.Add(buffer.Length);
            return inner.ReadAsync(buffer, cancellationToken);
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            ReadSizes.Add(count);
            return inner.Read(buffer, offset, count);
        }
    }
}
