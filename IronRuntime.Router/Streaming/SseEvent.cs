using System.Buffers;

namespace IronRuntime.Router.Streaming;

/// <summary>
/// One complete server-sent event as it lies in the input buffer: its raw bytes plus slices of its fields.
/// </summary>
/// <remarks>
/// Every slice points into the buffer given to <see cref="SseEventReader.TryReadEvent"/> and is valid as long as that
/// buffer is. An "event" here is one unit of framing up to and including its terminating blank line; it may carry
/// no data (a comment, a keep-alive, a stray blank line), in which case the spec would dispatch nothing.
/// </remarks>
/// <param name="raw">The <see cref="Raw"/>.</param>
/// <param name="name">The <see cref="Name"/>.</param>
/// <param name="hasName">The <see cref="HasName"/>.</param>
/// <param name="data">The <see cref="Data"/>.</param>
/// <param name="dataLineCount">The <see cref="DataLineCount"/>.</param>
/// <param name="dataLength">The <see cref="DataLength"/>.</param>
/// <param name="id">The <see cref="Id"/>.</param>
/// <param name="hasId">The <see cref="HasId"/>.</param>
/// <param name="retryMilliseconds">The <see cref="RetryMilliseconds"/>.</param>
/// <param name="continuesPreviousTerminator">The <see cref="ContinuesPreviousTerminator"/>.</param>
internal readonly struct SseEvent(
    ReadOnlySequence<byte> raw,
    ReadOnlySequence<byte> name,
    bool hasName,
    ReadOnlySequence<byte> data,
    int dataLineCount,
    long dataLength,
    ReadOnlySequence<byte> id,
    bool hasId,
    int retryMilliseconds,
    bool continuesPreviousTerminator)
{
    /// <summary>Every byte of the event, from its first line (a leading BOM included) to its terminating blank line.</summary>
    public ReadOnlySequence<byte> Raw { get; } = raw;

    /// <summary>The value of the last <c>event:</c> field; empty when <see cref="HasName"/> is false.</summary>
    public ReadOnlySequence<byte> Name { get; } = name;

    /// <summary>Whether the event has an <c>event:</c> field.</summary>
    public bool HasName { get; } = hasName;

    /// <summary>
    /// The data. With one <c>data:</c> line it is exactly that line's value; with several it is the extent of the
    /// raw bytes from the first value's start to the last value's end (use <see cref="CopyDataTo"/> to join them).
    /// </summary>
    public ReadOnlySequence<byte> Data { get; } = data;

    /// <summary>The number of <c>data:</c> lines; zero when the event carries no data.</summary>
    public int DataLineCount { get; } = dataLineCount;

    /// <summary>The length of the data once its lines are joined with <c>\n</c>.</summary>
    public long DataLength { get; } = dataLength;

    /// <summary>The value of the last valid <c>id:</c> field; empty when <see cref="HasId"/> is false.</summary>
    public ReadOnlySequence<byte> Id { get; } = id;

    /// <summary>Whether the event has a valid <c>id:</c> field (one without U+0000).</summary>
    public bool HasId { get; } = hasId;

    /// <summary>The value of the last valid <c>retry:</c> field, or -1.</summary>
    public int RetryMilliseconds { get; } = retryMilliseconds;

    /// <summary>
    /// Whether this "event" is only the LF completing a CRLF whose CR ended the previous event (the previous event
    /// was handed out as soon as its CR arrived). Such an event is a single byte and carries nothing.
    /// </summary>
    public bool ContinuesPreviousTerminator { get; } = continuesPreviousTerminator;

    /// <summary>Whether the event carries data (the spec dispatches only such events).</summary>
    public bool HasData => DataLineCount > 0;

    /// <summary>Gets the data as one span when it is a single line within a single buffer segment.</summary>
    /// <param name="data">The data.</param>
    /// <returns>Whether the data is available without copying.</returns>
    public bool TryGetContiguousData(out ReadOnlySpan<byte> data)
    {
        if (DataLineCount <= 1 && Data.IsSingleSegment)
        {
            data = Data.FirstSpan;
            return true;
        }

        data = default;
        return false;
    }

    /// <summary>Copies the data, its lines joined with <c>\n</c>, to <paramref name="destination"/>.</summary>
    /// <param name="destination">At least <see cref="DataLength"/> bytes.</param>
    /// <returns>The number of bytes written (<see cref="DataLength"/>).</returns>
    public int CopyDataTo(Span<byte> destination) => SseEventReader.CopyJoinedData(this, destination);
}
