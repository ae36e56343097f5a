using System.Buffers;

namespace IronRuntime.Router.Internal;

/// <summary>Helpers for provider response contents shared by the stages that replace or read them.</summary>
internal static class HttpContents
{
    /// <summary>Copies the content headers of <paramref name="from"/> to <paramref name="to"/>, except <c>Content-Length</c> (the new body has its own).</summary>
    public static void CopyHeaders(HttpContent from, HttpContent to)
    {
        foreach (var header in from.Headers)
        {
            if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                to.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }
    }

    /// <summary>The whole body of <paramref name="content"/> up to <paramref name="limit"/> bytes (see the overload).</summary>
    public static async Task<byte[]> ReadLimitedAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(InitialCapacity(content, limit));
        await ReadLimitedAsync(content, limit, buffer, cancellationToken).ConfigureAwait(false);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The one reader of a whole response body up to a limit: the declared length is checked first, then the bytes as
    /// they arrive; past <paramref name="limit"/> it throws <see cref="InvalidDataException"/> (the router answers 502).
    /// <paramref name="buffer"/> keeps what arrived when the read fails.
    /// </summary>
    public static async Task ReadLimitedAsync(HttpContent content, int limit, ArrayBufferWriter<byte> buffer, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > limit)
        {
            throw new InvalidDataException($"The response is larger than the {limit} bytes IronRuntime reads.");
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            while (true)
            {
                var memory = buffer.GetMemory(4096);
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

    /// <summary>The first capacity of a body buffer: the declared length (or 4 KiB) within the limit, plus one byte to see an overrun.</summary>
    public static int InitialCapacity(HttpContent content, int limit) => (int)Math.Min(content.Headers.ContentLength ?? 4096, limit) + 1;
}
