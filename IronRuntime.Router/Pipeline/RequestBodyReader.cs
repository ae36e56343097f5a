using System.Buffers;
using System.Net;

namespace IronRuntime.Router.Pipeline;

/// <summary>
/// Reads a request body up to a limit into pooled segments that grow with what actually arrives (4 KiB doubling up to
/// 64 KiB each), so memory follows the bytes received, never the limit or a declared length; the limit is enforced
/// as soon as it is crossed. A body the client cannot deliver (malformed chunking, a connection cut, a body arriving
/// too slowly) is the client's error: 400, or 408 for a timeout, never an exception.
/// </summary>
internal static class RequestBodyReader
{
    private const int FirstSegmentBytes = 4 * 1024;
    private const int MaxSegmentBytes = 64 * 1024;

    /// <summary>The body, or why it was refused.</summary>
    /// <param name="content">The request's content.</param>
    /// <param name="limit">The most bytes accepted.</param>
    /// <param name="cancellationToken">Cancels the read (rethrown as <see cref="OperationCanceledException"/>).</param>
    public static async ValueTask<RequestBody> ReadAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        // Only a length the sender declared is checked before reading: asking a content that declares none for its
        // length (ContentLength) would compute it and store it among the caller's headers, where the upstream copy
        // then turns it back into text to skip it. The limit is enforced while reading anyway.
        if (content.Headers.NonValidated.Contains("Content-Length") && content.Headers.ContentLength is { } declared && declared > limit)
        {
            return RequestBody.TooLarge;
        }

        var segments = new List<byte[]>();
        try
        {
            var stream = await Internal.HttpContents.ReadStreamAsync(content, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                if (stream is MemoryStream { Position: 0, Length: var length } inMemory)
                {
                    // Bytes already in memory (a byte-array or string content): their length is known, so they are
                    // read once into the body, with no pooled segments to gather them from.
                    if (length > limit)
                    {
                        return RequestBody.TooLarge;
                    }

                    byte[] whole = length == 0 ? [] : new byte[length];
                    inMemory.ReadExactly(whole);
                    return new RequestBody(whole, default, null);
                }

                long total = 0;
                byte[] current = Rent(segments, FirstSegmentBytes);
                int filled = 0;
                while (true)
                {
                    if (filled == current.Length)
                    {
                        current = Rent(segments, Math.Min(current.Length * 2, MaxSegmentBytes));
                        filled = 0;
                    }

                    int n = await stream.ReadAsync(current.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }

                    filled += n;
                    total += n;
                    if (total > limit)
                    {
                        return RequestBody.TooLarge;
                    }
                }

                return new RequestBody(Concat(segments, (int)total, filled), default, null);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Kestrel reports a client's mistake with the status it deserves (400 malformed chunking, 408 too slow).
            var status = ex is Microsoft.AspNetCore.Http.BadHttpRequestException bad && bad.StatusCode is 400 or 408
                ? (HttpStatusCode)bad.StatusCode
                : HttpStatusCode.BadRequest;
            return new RequestBody(null, status, ex.Message);
        }
        finally
        {
            foreach (byte[] segment in segments)
            {
                ArrayPool<byte>.Shared.Return(segment);
            }
        }
    }

    private static byte[] Rent(List<byte[]> segments, int size)
    {
        byte[] segment = ArrayPool<byte>.Shared.Rent(size);
        segments.Add(segment);
        return segment;
    }

    private static byte[] Concat(List<byte[]> segments, int total, int lastFilled)
    {
        byte[] body = total == 0 ? [] : new byte[total];
        int offset = 0;
        for (int i = 0; i < segments.Count; i++)
        {
            int length = i == segments.Count - 1 ? lastFilled : segments[i].Length;
            segments[i].AsSpan(0, length).CopyTo(body.AsSpan(offset));
            offset += length;
        }

        return body;
    }
}
