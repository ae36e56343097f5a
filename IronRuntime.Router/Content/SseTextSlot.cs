namespace IronRuntime.Router.Content;

/// <summary>A text string found in an event's data, and the logical stream it belongs to.</summary>
internal struct SseTextSlot
{
    public int Start;
    public int Length;
    public bool Escaped;
    public SseTextStreamKey Key;
}
