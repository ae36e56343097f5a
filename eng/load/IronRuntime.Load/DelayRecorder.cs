using System.Diagnostics;

namespace IronRuntime.Load;

/// <summary>Event delays (receive time − send time) recorded while measuring, and the number of open streams.</summary>
internal sealed class DelayRecorder
{
    private readonly Lock _lock = new();
    private readonly List<double> _delaysMs = new(1 << 20);
    private int _open;

    public volatile bool Measuring;

    public int Open => Volatile.Read(ref _open);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _delaysMs.Count;
            }
        }
    }

    public void StreamOpened() => Interlocked.Increment(ref _open);

    public void StreamClosed() => Interlocked.Decrement(ref _open);

    public void Record(long elapsedTicks)
    {
        if (!Measuring)
        {
            return;
        }

        double ms = elapsedTicks * 1000.0 / Stopwatch.Frequency;
        lock (_lock)
        {
            _delaysMs.Add(ms);
        }
    }

    /// <summary>p50, p99 and max, in milliseconds.</summary>
    public (double P50, double P99, double Max) Percentiles()
    {
        double[] sorted;
        lock (_lock)
        {
            sorted = [.. _delaysMs];
        }

        if (sorted.Length == 0)
        {
            return (double.NaN, double.NaN, double.NaN);
        }

        Array.Sort(sorted);
        return (At(sorted, 0.50), At(sorted, 0.99), sorted[^1]);
    }

    private static double At(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}
