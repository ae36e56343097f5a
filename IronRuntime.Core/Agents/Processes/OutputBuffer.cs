namespace IronRuntime.Agents.Processes;

/// <summary>The latest output lines of a process agent: a fixed-size ring, oldest dropped first.</summary>
internal sealed class OutputBuffer
{
    private readonly AgentOutputLine[] _lines;
    private readonly Lock _lock = new();
    private int _next;
    private int _count;

    public OutputBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _lines = new AgentOutputLine[capacity];
    }

    /// <summary>
    /// Adds a line stamped with <paramref name="clock"/>'s time, read under the ring's lock: the standard output and
    /// standard error readers add from two threads, and a stamp read before the lock could land after a later one.
    /// </summary>
    public void Add(TimeProvider clock, bool isError, string text)
    {
        lock (_lock)
        {
            AddLocked(new AgentOutputLine(clock.GetUtcNow(), isError, text));
        }
    }

    private void AddLocked(AgentOutputLine line)
    {
        _lines[_next] = line;
        _next = (_next + 1) % _lines.Length;
        _count = Math.Min(_count + 1, _lines.Length);
    }

    /// <summary>The kept lines, oldest first.</summary>
    public AgentOutputLine[] Snapshot()
    {
        lock (_lock)
        {
            var result = new AgentOutputLine[_count];
            int start = (_next - _count + _lines.Length) % _lines.Length;
            for (int i = 0; i < _count; i++)
            {
                result[i] = _lines[(start + i) % _lines.Length];
            }

            return result;
        }
    }
}
