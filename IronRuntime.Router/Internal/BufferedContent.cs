using System.Runtime.InteropServices;

namespace IronRuntime.Router.Internal;

/// <summary>
/// A body the router holds in memory — a request body it read and parsed, a response body read whole by the resilience
/// stage or the metering stage — exposing its bytes so that the other stages (the metering, the loopback proxy) use
/// them without reading or copying them again.
/// </summary>
internal sealed class BufferedContent : ByteArrayContent
{
    private BufferedContent(ArraySegment<byte> segment)
        : base(segment.Array!, segment.Offset, segment.Count)
    {
        Body = segment;
    }

    /// <summary>The body.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>Wraps <paramref name="body"/> (array-backed, as an <see cref="System.Buffers.ArrayBufferWriter{T}"/>'s or a <c>byte[]</c>) without copying it.</summary>
    /// <param name="body">The bytes.</param>
    /// <returns>The content.</returns>
    public static BufferedContent Create(ReadOnlyMemory<byte> body)
        => new(MemoryMarshal.TryGetArray(body, out var segment) ? segment : new ArraySegment<byte>(body.ToArray()));

    /// <summary>The body of <paramref name="content"/> when the router holds it in memory.</summary>
    /// <param name="content">A response's content.</param>
    /// <param name="body">Its bytes.</param>
    /// <returns>Whether <paramref name="content"/> is a <see cref="BufferedContent"/>.</returns>
    public static bool TryGetBody(HttpContent? content, out ReadOnlyMemory<byte> body)
    {
        if (content is BufferedContent buffered)
        {
            body = buffered.Body;
            return true;
        }

        body = default;
        return false;
    }
}
