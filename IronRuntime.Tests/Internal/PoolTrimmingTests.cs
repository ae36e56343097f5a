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
    public void TrimmedFreeList_IdleAfterABurst_HalvesWhatStayedUnusedEachPassUntilEmptyAndLeavesTheSweep()
    {
        var time = new FakeTimeProvider();
        var list = new TrimmedFreeList<object>(1000, time);
        for (int i = 0; i < 100; i++)
        {
            list.TryAdd(new object());
        }

        Run(time, TrimmedFreeList<object>.TrimPeriod, () => { });
        int afterFirstPass = list.Count;
        Run(time, TrimmedFreeList<object>.TrimPeriod, () => { });
        int afterSecondPass = list.Count;
        Run(time, TimeSpan.FromSeconds(15), () => { });

        Assert.Multiple(() =>
        {
            Assert.That(afterFirstPass, Is.GreaterThanOrEqualTo(98), "the burst's items were returned during the first period: not yet unused for a whole one");
            Assert.That(afterSecondPass, Is.EqualTo(afterFirstPass / 2), "half of those unused for a whole period go");
            Assert.That(list.Count, Is.Zero, "an idle list empties");
            Assert.That(StreamTimeoutSweep.For(time).Count, Is.Zero, "and leaves the sweep, whose timer then stops");
        });

        list.TryAdd(new object());
        Assert.That(StreamTimeoutSweep.For(time).Count, Is.EqualTo(1), "an item kept again registers again");
    }

    [Test]
    public void TrimmedFreeList_InSteadyUse_KeepsWhatTheBurstsNeedAndTakesOnlyKeptItems()
    {
        var time = new FakeTimeProvider();
        var list = new TrimmedFreeList<object>(1000, time);
        var kept = Enumerable.Range(0, 100).Select(_ => new object()).ToList();
        kept.ForEach(item => list.TryAdd(item));
        int misses = 0;

        Run(time, TimeSpan.FromSeconds(20), () =>
        {
            var inUse = new List<object>();
            for (int i = 0; i < 10; i++)
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
        });

        Assert.Multiple(() =>
        {
            Assert.That(list.Count, Is.EqualTo(10), "trimmed to the ten in use at once, not the hundred of the burst");
            Assert.That(misses, Is.Zero, "every take found a kept item: nothing is allocated anew in steady use");
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

        Run(time, TimeSpan.FromSeconds(15), () => { });

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
