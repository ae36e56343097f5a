using IronRuntime.Router.Streaming;

namespace IronRuntime.Tests.Streaming;

/// <summary>The input buffer of a metering stream when thousands of streams hold bytes at once (issue #19).</summary>
[NonParallelizable] // counts this thread's allocations while other fixtures would share the pool
public sealed class SseInputBufferTests
{
    private static readonly byte[] Event = "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n"u8.ToArray();

    [Test]
    public async Task ManyStreamsHoldBytesAtOnce_TheirNextBytes_TakeNoNewArrays()
    {
        // Far more streams holding bytes at the same moment than ArrayPool<byte>.Shared keeps (32 arrays per core).
        const int Streams = 600;
        var upstreams = new MemoryStream[Streams];
        var buffers = new SseInputBuffer[Streams];
        for (int i = 0; i < Streams; i++)
        {
            upstreams[i] = new MemoryStream(Event);
            buffers[i] = new SseInputBuffer(upstreams[i], SseMeteringStream.DefaultInitialBufferSize, SseMeteringStream.DefaultMaxEventBytes);
        }

        int heldFirst = await FillAllThenReleaseAsync(upstreams, buffers); // the first burst takes the arrays
        long before = GC.GetAllocatedBytesForCurrentThread();
        int heldNext = await FillAllThenReleaseAsync(upstreams, buffers); // the next one finds them again
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That((heldFirst, heldNext), Is.EqualTo((Streams, Streams)), "every buffer held the event at once");
        Assert.That(allocated, Is.LessThan(Streams * SseMeteringStream.DefaultInitialBufferSize / 10),
            "at most a tenth of the arrays allocated again (each FillAsync completes synchronously on a MemoryStream)");
    }

    /// <summary>Fills every buffer (all hold their bytes at once), then releases them; returns how many held the whole event.</summary>
    private static async Task<int> FillAllThenReleaseAsync(MemoryStream[] upstreams, SseInputBuffer[] buffers)
    {
        int held = 0;
        for (int i = 0; i < buffers.Length; i++)
        {
            upstreams[i].Position = 0;
            await buffers[i].FillAsync(CancellationToken.None);
            held += buffers[i].Unread.Length == Event.Length ? 1 : 0;
        }

        foreach (var buffer in buffers)
        {
            buffer.Release();
        }

        return held;
    }
}
