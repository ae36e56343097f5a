namespace IronRuntime.Router.Streaming;

/// <summary>What <see cref="SseUsageAccumulator.Feed"/> learned from one event that its caller may act on.</summary>
/// <param name="UsageUpdated">Whether the event changed the accumulated usage.</param>
/// <param name="IsUsageOnlyChunk">Whether the event is an OpenAI chat usage chunk: empty <c>choices</c> and a non-null <c>usage</c>.</param>
/// <param name="UsageCutStart">
/// OpenAI chat only: where the top-level <c>"usage":…</c> member starts in the data, one adjacent comma included
/// so that what remains is valid JSON.
/// </param>
/// <param name="UsageCutLength">The length of the cut; zero when the event has no top-level usage member.</param>
internal readonly record struct SseEventFacts(bool UsageUpdated, bool IsUsageOnlyChunk, int UsageCutStart, int UsageCutLength);
