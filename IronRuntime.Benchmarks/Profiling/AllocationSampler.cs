using System.Diagnostics.Tracing;

namespace IronRuntime.Benchmarks.Profiling;

/// <summary>
/// Which types a loop allocates: the runtime's <c>GCAllocationTick</c> events (one per ~100 KB allocated, naming the
/// type of the object that crossed the mark), summed per type. Sampled, so a type's share of the ticks is its share of
/// the bytes allocated; the same events <c>dotnet-trace collect --profile gc-verbose</c> records.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const int AllocationTickEventId = 10;
    private readonly Dictionary<string, long> _bytesByType = [];
    private readonly Lock _gate = new();
    private volatile bool _recording;

    public void Start() => _recording = true;

    public void Stop() => _recording = false;

    /// <summary>The sampled types, largest share first.</summary>
    public IReadOnlyList<(string Type, long Bytes, double Share)> Top(int count)
    {
        lock (_gate)
        {
            long total = _bytesByType.Values.Sum();
            return _bytesByType.OrderByDescending(p => p.Value).Take(count)
                .Select(p => (p.Key, p.Value, total == 0 ? 0 : (double)p.Value / total)).ToList();
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword: AllocationTick is verbose
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_recording || eventData.EventId != AllocationTickEventId || eventData.Payload is null || eventData.PayloadNames is null)
        {
            return;
        }

        int typeAt = eventData.PayloadNames.IndexOf("TypeName");
        int amountAt = eventData.PayloadNames.IndexOf("AllocationAmount64");
        if (typeAt < 0 || amountAt < 0)
        {
            return;
        }

        string type = eventData.Payload[typeAt] as string ?? "?";
        long amount = Convert.ToInt64(eventData.Payload[amountAt], System.Globalization.CultureInfo.InvariantCulture);
        lock (_gate)
        {
            _bytesByType[type] = _bytesByType.GetValueOrDefault(type) + amount;
        }
    }
}
