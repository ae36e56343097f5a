namespace IronRuntime.Router.Content;

/// <summary>
/// What kind of text a logical stream carries: a fixed <see cref="SseTextKind"/>, or a Responses event family named by
/// its event type (without <c>.delta</c> / <c>.done</c>), kept as a 64-bit FNV-1a hash so that no string is made per event.
/// </summary>
/// <param name="Kind">The kind.</param>
/// <param name="Hash">For <see cref="SseTextKind.ResponsesEvent"/>, the hash of the family's name; 0 otherwise.</param>
internal readonly record struct SseTextFamily(SseTextKind Kind, ulong Hash)
{
    /// <summary>A fixed kind.</summary>
    public static SseTextFamily Of(SseTextKind kind) => new(kind, 0);

    /// <summary>The Responses family named <paramref name="name"/> (an event type without its suffix).</summary>
    public static SseTextFamily ResponsesEvent(ReadOnlySpan<byte> name)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in name)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return new SseTextFamily(SseTextKind.ResponsesEvent, hash);
    }
}
