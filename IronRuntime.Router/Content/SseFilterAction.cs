namespace IronRuntime.Router.Content;

/// <summary>What the metering stream does with an event after <see cref="SseContentFilter"/> saw it.</summary>
internal enum SseFilterAction
{
    /// <summary>Forward the event's raw bytes (with the usual usage cut): the zero-copy path.</summary>
    PassRaw = 0,

    /// <summary>Forward <see cref="SseContentFilter.Output"/> instead of the event.</summary>
    Replace = 1,

    /// <summary>Forward <see cref="SseContentFilter.Output"/> (ending in an error event), then end the stream.</summary>
    End = 2,
}
