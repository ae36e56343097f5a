namespace IronRuntime.State;

/// <summary>A page of calls, newest first, and the cursor of the next (older) page, or null when this is the last.</summary>
internal sealed record CallPage(IReadOnlyList<StoredCall> Calls, long? NextCursor);
