using System.Threading.RateLimiting;
using IronRuntime.Budget.RateLimits;
using Microsoft.Extensions.Time.Testing;

namespace IronRuntime.Tests.Budget.RateLimits;

public sealed class MinuteWindowRateLimiterTests
{
    /// <summary>45 s into a minute: the next window opens 15 s later.</summary>
    private static FakeTimeProvider At45s() => new(new DateTimeOffset(2026, 11, 26, 10, 0, 45, TimeSpan.Zero));

    [Test]
    public void AttemptAcquire_OverTheWindow_RefusedWithRetryAfterToTheNextMinute()
    {
        var time = At45s();
        using var limiter = new MinuteWindowRateLimiter(5, time);

        using var first = limiter.AttemptAcquire(3);
        using var second = limiter.AttemptAcquire(3);

        Assert.Multiple(() =>
        {
            Assert.That(first.IsAcquired, Is.True);
            Assert.That(second.IsAcquired, Is.False);
            Assert.That(second.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter), Is.True);
            Assert.That(retryAfter, Is.EqualTo(TimeSpan.FromSeconds(15)));
            Assert.That(limiter.GetStatistics()!.CurrentAvailablePermits, Is.EqualTo(2));
        });
    }

    [Test]
    public void AttemptAcquire_NextMinute_StartsAFreshWindow()
    {
        var time = At45s();
        using var limiter = new MinuteWindowRateLimiter(5, time);
        Assert.That(limiter.AttemptAcquire(5).IsAcquired, Is.True);
        Assert.That(limiter.AttemptAcquire(1).IsAcquired, Is.False);

        time.Advance(TimeSpan.FromSeconds(15));

        Assert.That(limiter.AttemptAcquire(5).IsAcquired, Is.True);
    }

    [Test]
    public void TryAcquire_MoreThanAMinuteHolds_RefusedWithoutRetryAfter()
    {
        using var limiter = new MinuteWindowRateLimiter(100, At45s());

        bool acquired = limiter.TryAcquire(101, out _, out var retryAfter);

        Assert.Multiple(() =>
        {
            Assert.That(acquired, Is.False);
            Assert.That(retryAfter, Is.Null);
        });
    }

    [Test]
    public void Adjust_SameWindow_GivesPermitsBack_PastWindowLeftAlone()
    {
        var time = At45s();
        using var limiter = new MinuteWindowRateLimiter(100, time);
        Assert.That(limiter.TryAcquire(80, out long window, out _), Is.True);

        limiter.Adjust(window, -50);
        Assert.That(limiter.Used, Is.EqualTo(30));

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.That(limiter.TryAcquire(40, out _, out _), Is.True);
        limiter.Adjust(window, -30);

        Assert.That(limiter.Used, Is.EqualTo(40), "a correction of a past minute must not touch the current one");
    }

    [Test]
    public void TryAcquire_Concurrent_AdmitsExactlyTheLimit()
    {
        using var limiter = new MinuteWindowRateLimiter(5_000, At45s());
        int admitted = 0;

        Parallel.For(0, 8, worker =>
        {
            for (int i = 0; i < 1_000; i++)
            {
                if (limiter.TryAcquire(1, out _, out _))
                {
                    Interlocked.Increment(ref admitted);
                }
            }
        });

        Assert.That(admitted, Is.EqualTo(5_000));
    }
}
