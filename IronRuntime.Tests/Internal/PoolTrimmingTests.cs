using IronRuntime.Router.Internal;
using IronRuntime.Router.Proxy;
using IronRuntime.Router.Streaming;
using Microsoft.Extensions.Time.Testing;

namespace IronRuntime.Tests.Internal;

/// <summary>
/// The pools keep as many unused items as were recently needed at once, not their peak (issue #19): a burst left
/// behind is given back over the sweep's passes, and items in steady use are kept (nothing allocated anew).
/// </summary>
public sealed class PoolTrimmingTests
{
    [Test]
    public void TrimmedFreeList_IdleAfterABurst_KeepsItsItemsForTheWindowThenHalvesThemEachPassUntilEmptyAndLeavesTheSweep()
    {
        var time = new FakeTimeProvider();
        var list = new TrimmedFreeList<object>(1000, time);
        for (int i = 0; i < 100; i++)
        {
            list.TryAdd(new object());
        }

        var window = TrimmedFreeList<object>.TrimPeriod * TrimmedFreeList<object>.WindowPasses;
        Run(time, window - TrimmedFreeList<object>.TrimPeriod, () => { });
        int beforeTheWindowEnds = list.Count;
        Run(time, TrimmedFreeList<object>.TrimPeriod * 2, () => { });
        int twoPassesLater = list.Count;
        Run(time, TimeSpan.FromSeconds(15), () => { });

        Assert.Multiple(() =>
        {
            Assert.That(beforeTheWindowEnds, Is.EqualTo(100), "nothing goes before it stayed unused for a whole window");
            Assert.That(twoPassesLater, Is.InRange(25, 50), "then half of what stayed unused goes each pass");
            Assert.That(list.Count, Is.Zero, "an idle list empties");
            Assert.That(StreamTimeoutSweep.For(time).Count, Is.Zero, "and leaves the sweep, whose timer then stops");
        });

        list.TryAdd(new object());
        Assert.That(StreamTimeoutSweep.For(time).Count, Is.EqualTo(1), "an item kept again registers again");
    }

    /// <summary>
    /// In use: <paramref name="burst"/> items every <paramref name="burstEveryTicks"/> sweep ticks, <paramref name="between"/>
    /// at the others. What the bursts need stays (nothing is allocated anew), the rest of the hundred goes.
    /// </summary>
    [TestCase(1, 10, 10, 10, 10, TestName = "TrimmedFreeList_InSteadyUse_KeepsWhatIsInUseAtOnceAndTakesOnlyKeptItems")]
    [TestCase(30, 50, 5, 50, 60, TestName = "TrimmedFreeList_BurstsAFewSecondsApart_KeepWhatTheyNeedAndAllocateNothingAnew")]
    public void TrimmedFreeList_InUse_KeepsWhatItsBurstsNeed(int burstEveryTicks, int burst, int between, int least, int most)
    {
        var time = new FakeTimeProvider();
        var list = new TrimmedFreeList<object>(1000, time);
        var kept = Enumerable.Range(0, 100).Select(_ => new object()).ToList();
        kept.ForEach(item => list.TryAdd(item));
        int misses = 0;
        int tick = 0;

        Run(time, TimeSpan.FromSeconds(30), () => misses += Use(list, tick++ % burstEveryTicks == 0 ? burst : between, kept));

        Assert.Multiple(() =>
        {
            Assert.That(list.Count, Is.InRange(least, most), "what the bursts need is kept, not the hundred");
            Assert.That(misses, Is.Zero, "every take found a kept item: nothing is allocated anew");
        });
    }

    [Test]
    public void LoopbackMemoryPool_IdleAfterABurst_GivesItsBlocksBackAndStillRents()
    {
        var time = new FakeTimeProvider();
        using var pool = new LoopbackMemoryPool(time);
        var blocks = Enumerable.Range(0, 300).Select(_ => pool.Rent()).ToList();
        blocks.ForEach(b => b.Dispose());
        int afterBurst = pool.RetainedBlocks;

        Run(time, TimeSpan.FromSeconds(20), () => { });

        Assert.Multiple(() =>
        {
            Assert.That(afterBurst, Is.EqualTo(LoopbackMemoryPool.MaxRetainedBlocks));
            Assert.That(pool.RetainedBlocks, Is.Zero);
        });
        using var again = pool.Rent();
        Assert.That(again.Memory.Length, Is.EqualTo(LoopbackMemoryPool.BlockSize));
    }

    [Test]
    public void SseBufferPool_InSteadyUseAfterABurst_KeepsWhatIsInUseAtOnceAndReusesIt()
    {
        var time = new FakeTimeProvider();
        var pool = new SseBufferPool(time);
        var burst = Enumerable.Range(0, 200).Select(_ => pool.Rent(SseBufferPool.ArraySize)).ToList();
        burst.ForEach(pool.Return);
        int afterBurst = pool.Retained;
        var reused = new HashSet<byte[]>(ReferenceEqualityComparer.Instance);

        Run(time, TimeSpan.FromSeconds(20), () =>
        {
            var inUse = Enumerable.Range(0, 5).Select(_ => pool.Rent(SseBufferPool.ArraySize)).ToList();
            inUse.ForEach(a => reused.Add(a));
            inUse.ForEach(pool.Return);
        });

        Assert.Multiple(() =>
        {
            Assert.That(afterBurst, Is.EqualTo(200));
            Assert.That(pool.Retained, Is.EqualTo(5), "the burst's arrays were given back");
            Assert.That(reused.All(a => burst.Contains(a)), Is.True, "the arrays in use are the burst's, not new ones");
        });
    }

    /// <summary>Takes <paramref name="count"/> items (each must be one of <paramref name="kept"/>) and adds them back; returns the takes that found none.</summary>
    private static int Use(TrimmedFreeList<object> list, int count, List<object> kept)
    {
        var inUse = new List<object>();
        int misses = 0;
        for (int i = 0; i < count; i++)
        {
            if (list.TryTake(out object? item))
            {
                inUse.Add(item);
                Assert.That(kept, Does.Contain(item));
            }
            else
            {
                misses++;
            }
        }

        inUse.ForEach(item => list.TryAdd(item));
        return misses;
    }

    /// <summary>Advances <paramref name="time"/> by <paramref name="span"/>, one sweep tick at a time, calling <paramref name="eachTick"/> before each.</summary>
    private static void Run(FakeTimeProvider time, TimeSpan span, Action eachTick)
    {
        for (var passed = TimeSpan.Zero; passed < span; passed += StreamTimeoutSweep.Resolution)
        {
            eachTick();
            time.Advance(StreamTimeoutSweep.Resolution);
        }
    }
}
