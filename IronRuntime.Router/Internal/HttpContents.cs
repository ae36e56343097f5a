using System.Runtime.InteropServices;

namespace IronRuntime.Router.Internal;

/// <summary>Helpers for provider response contents shared by the stages that replace or read them.</summary>
internal static class HttpContents
{
    /// <summary>
    /// Copies the content headers of <paramref name="from"/> to <paramref name="to"/>, except <c>Content-Length</c> (the
    /// new body has its own). The values go across as they are stored, unparsed: parsing them (as the validating
    /// enumerator does) cost a lock, a parse and an iterator per header per copy, and the next reader parses on demand.
    /// </summary>
    public static void CopyHeaders(HttpContent from, HttpContent to)
    {
        foreach (var (name, values) in from.Headers.NonValidated)
        {
            if (string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (values.Count == 1)
            {
                to.Headers.TryAddWithoutValidation(name, values.ToString());
            }
            else
            {
                to.Headers.TryAddWithoutValidation(name, values);
            }
        }
    }

    /// <summary>
    /// Whether the content's media type is <paramref name="mediaType"/> (ignoring case, parameters and surrounding
    /// white space), read from the stored text: reading <see cref="System.Net.Http.Headers.HttpContentHeaders.ContentType"/>
    /// would parse the header and replace the provider's text with its re-serialised form in what goes on.
    /// </summary>
    public static bool HasMediaType(HttpContent content, string mediaType)
    {
        if (!content.Headers.NonValidated.TryGetValues("Content-Type", out var values) || values.Count != 1)
        {
            return values.Count > 1 && string.Equals(content.Headers.ContentType?.MediaType, mediaType, StringComparison.OrdinalIgnoreCase);
        }

        ReadOnlySpan<char> value = values.ToString().AsSpan();
        int end = value.IndexOf(';');
        return (end < 0 ? value : value[..end]).Trim().Equals(mediaType, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The read stream of <paramref name="content"/>. The contents that already hold their stream or bytes — exactly
    /// <see cref="StreamContent"/> (Kestrel's request body in the proxy), <see cref="ByteArrayContent"/>,
    /// <see cref="StringContent"/> and the router's <see cref="BufferedContent"/> — give it synchronously without I/O,
    /// so no task is made for it; any other content (a subclass may read in its own way) is asked asynchronously.
    /// </summary>
    /// <param name="content">The content.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The stream.</returns>
    public static ValueTask<Stream> ReadStreamAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var type = content.GetType();
        return type == typeof(StreamContent) || type == typeof(ByteArrayContent) || type == typeof(StringContent) || type == typeof(BufferedContent)
            ? new ValueTask<Stream>(content.ReadAsStream(cancellationToken))
            : new ValueTask<Stream>(content.ReadAsStreamAsync(cancellationToken));
    }

    /// <summary>The whole body of <paramref name="content"/> up to <paramref name="limit"/> bytes (see the overload).</summary>
    public static async Task<byte[]> ReadLimitedAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        long? declared = content.Headers.ContentLength;
        using var buffer = new BodyBuffer(declared, limit);
        await ReadLimitedAsync(content, declared, limit, buffer, cancellationToken).ConfigureAwait(false);
        ReadOnlyMemory<byte> body = buffer.Detach();
        return MemoryMarshal.TryGetArray(body, out var whole) && whole.Offset == 0 && whole.Count == whole.Array!.Length
            ? whole.Array // a chunked body was already copied to its exact size: not copied again
            : body.ToArray();
    }

    /// <summary>
    /// The one reader of a whole response body up to a limit: the declared length is checked first, then the bytes as
    /// they arrive; past <paramref name="limit"/> it throws <see cref="InvalidDataException"/> (the router answers 502).
    /// <paramref name="buffer"/> keeps what arrived when the read fails.
    /// </summary>
    /// <param name="content">The content to read.</param>
    /// <param name="declared">
    /// Its <c>Content-Length</c>, read once by the caller (which made <paramref name="buffer"/> for it): every read of
    /// the header after the first takes the header store's lock.
    /// </param>
    /// <param name="limit">The most bytes read.</param>
    /// <param name="buffer">Receives the body.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async Task ReadLimitedAsync(HttpContent content, long? declared, int limit, BodyBuffer buffer, CancellationToken cancellationToken)
    {
        if (declared > limit)
        {
            throw new InvalidDataException($"The response is larger than the {limit} bytes IronRuntime reads.");
        }

        var stream = await ReadStreamAsync(content, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            while (true)
            {
                // With a Content-Length the buffer was sized for it (+1 to see the end): ask for no more than is left,
                // so reading a body never grows the buffer. Without one, whatever room is left: the buffer grows only
                // once it is full, not for the last read that finds the end.
                var memory = buffer.GetMemory(declared is { } expected && expected >= buffer.WrittenCount ? (int)(expected - buffer.WrittenCount) + 1 : 1);
                int n = await stream.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                buffer.Advance(n);
                if (buffer.WrittenCount > limit)
                {
                    throw new InvalidDataException($"The response is larger than the {limit} bytes IronRuntime reads.");
                }
            }
        }
    }

}
