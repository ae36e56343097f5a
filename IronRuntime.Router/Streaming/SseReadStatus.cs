namespace IronRuntime.Router.Streaming;

/// <summary>The result of <see cref="SseEventReader.TryReadEvent"/>.</summary>
internal enum SseReadStatus
{
    /// <summary>The buffer holds no complete event yet; call again with the same start and more data.</summary>
    NeedMoreData = 0,

    /// <summary>A complete event was read and the buffer advanced past it.</summary>
    Event = 1,

    /// <summary>The event at the start of the buffer is longer than the reader's cap.</summary>
    EventTooLarge = 2,
}
