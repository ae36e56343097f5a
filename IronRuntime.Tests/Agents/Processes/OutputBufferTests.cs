using IronRuntime.Agents;
using IronRuntime.Agents.Processes;

namespace IronRuntime.Tests.Agents.Processes;

public sealed class OutputBufferTests
{
    [TestCase(0, new string[0])]
    [TestCase(2, new[] { "0", "1" })]
    [TestCase(3, new[] { "0", "1", "2" })]
    [TestCase(4, new[] { "1", "2", "3" })]
    [TestCase(10, new[] { "7", "8", "9" })]
    public void Snapshot_KeepsTheLatestLinesOldestFirst(int added, string[] expected)
    {
        var buffer = new OutputBuffer(3);
        for (int i = 0; i < added; i++)
        {
            buffer.Add(TimeProvider.System, false, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.That(buffer.Snapshot().Select(l => l.Text), Is.EqualTo(expected));
    }

    [Test]
    public async Task Add_AWriterPausedWhileStamping_AnotherWriterCannotSlipInBetween()
    {
        // Standard output and standard error are read on two threads. The stdout writer is paused while it reads the
        // clock; the stderr writer then adds a line. A stamp read under the ring's lock makes the stderr writer wait
        // (the pause runs out after 500 ms), so the ring's order stays the stamps' order; a stamp read before the lock
        // lets the later line in first.
        var buffer = new OutputBuffer(8);
        var clock = new PausingClock();
        Task stdout = Task.Run(() => buffer.Add(clock, false, "first"));
        Assert.That(clock.Reading.Wait(TimeSpan.FromSeconds(30)), Is.True, "the stdout writer reads the clock");
        Task stderr = Task.Run(() =>
        {
            buffer.Add(clock, true, "second");
            clock.OtherAdded.Set();
        });
        await Task.WhenAll(stdout, stderr).WaitAsync(TimeSpan.FromSeconds(30));

        var lines = buffer.Snapshot();
        Assert.That(lines.Select(l => l.Timestamp), Is.Ordered);
        Assert.That(lines.Select(l => l.Text), Is.EqualTo(new[] { "first", "second" }));
    }

    /// <summary>A clock that moves one tick per read; its first read pauses until another line was added (at most 500 ms).</summary>
    private sealed class PausingClock : TimeProvider
    {
        private long _ticks;

        public ManualResetEventSlim Reading { get; } = new();

        public ManualResetEventSlim OtherAdded { get; } = new();

        public override DateTimeOffset GetUtcNow()
        {
            long ticks = Interlocked.Increment(ref _ticks);
            if (ticks == 1)
            {
                Reading.Set();
                OtherAdded.Wait(TimeSpan.FromMilliseconds(500));
            }

            return DateTimeOffset.UnixEpoch.AddTicks(ticks);
        }
    }
}
