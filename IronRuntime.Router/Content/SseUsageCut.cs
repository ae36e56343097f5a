namespace IronRuntime.Router.Content;

/// <summary>
/// What of an OpenAI chunk the router injected and must not forward: a top-level <c>"usage":…</c> member to cut from
/// the data when the event is written anew, or the whole usage-only chunk.
/// </summary>
/// <param name="Start">Where the member (with one adjacent comma) starts in the data.</param>
/// <param name="Length">Its length; 0 for none.</param>
/// <param name="Drop">Whether the event itself is not forwarded.</param>
internal readonly record struct SseUsageCut(int Start, int Length, bool Drop);
