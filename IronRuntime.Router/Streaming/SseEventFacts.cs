namespace IronRuntime.Router.Streaming;

/// <summary>What <see cref="SseUsageAccumulator.Feed"/> learned from one event that its caller may act on.</summary>
internal readonly struct SseEventFacts
{
    /// <summary>Creates facts.</summary>
    /// <param name="usageUpdated">Whether the event changed the accumulated usage.</param>
    /// <param name="isUsageOnlyChunk">Whether the event is an OpenAI chat usage chunk (<c>"choices":[]</c> with a usage).</param>
    /// <param name="usageCutStart">The start, in the event's data, of the bytes to cut to remove its top-level usage member.</param>
    /// <param name="usageCutLength">The length of those bytes; zero when there is no usage member.</param>
    public SseEventFacts(bool usageUpdated, bool isUsageOnlyChunk, int usageCutStart, int usageCutLength)
    {
        UsageUpdated = usageUpdated;
        IsUsageOnlyChunk = isUsageOnlyChunk;
        UsageCutStart = usageCutStart;
        UsageCutLength = usageCutLength;
    }

    /// <summary>Whether the event changed the accumulated usage.</summary>
    public bool UsageUpdated { get; }

    /// <summary>Whether the event is an OpenAI chat usage chunk: empty <c>choices</c> and a non-null <c>usage</c>.</summary>
    public bool IsUsageOnlyChunk { get; }

    /// <summary>
    /// OpenAI chat only: where the top-level <c>"usage":…</c> member starts in the data, one adjacent comma included
    /// so that what remains is valid JSON.
    /// </summary>
    public int UsageCutStart { get; }

    /// <summary>The length of the cut; zero when the event has no top-level usage member.</summary>
    public int UsageCutLength { get; }
}
