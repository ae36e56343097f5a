namespace IronRuntime.Router.Content;

/// <summary>Which open text streams an event ends: none, all of them, those of one choice or block, or one stream.</summary>
internal readonly struct SseStreamSelector
{
    private readonly Mode _mode;
    private readonly SseTextStreamKey _key;

    private SseStreamSelector(Mode mode, SseTextStreamKey key)
    {
        _mode = mode;
        _key = key;
    }

    private enum Mode : byte
    {
        None,
        All,
        Outer,
        One,
    }

    /// <summary>Ends no stream.</summary>
    public static SseStreamSelector None => default;

    /// <summary>Ends every stream (the terminal event, the end of the upstream).</summary>
    public static SseStreamSelector All => new(Mode.All, default);

    /// <summary>Whether this ends no stream.</summary>
    public bool IsNone => _mode == Mode.None;

    /// <summary>Ends the streams of choice or block <paramref name="index"/>.</summary>
    public static SseStreamSelector Outer(long index) => new(Mode.Outer, new SseTextStreamKey(default, index, 0));

    /// <summary>Ends exactly the stream <paramref name="key"/>.</summary>
    public static SseStreamSelector One(SseTextStreamKey key) => new(Mode.One, key);

    /// <summary>Whether the stream <paramref name="key"/> ends.</summary>
    public bool Selects(SseTextStreamKey key) => _mode switch
    {
        Mode.All => true,
        Mode.Outer => key.Outer == _key.Outer,
        Mode.One => key == _key,
        _ => false,
    };
}
