using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace IronRuntime.Tests.Proxy;

/// <summary>HTTP/1.1 over a raw socket, for requests no client library would send (traversal paths, broken chunking, trickled bodies).</summary>
internal static class RawHttp
{
    /// <summary>The status line's code and the body of an answer.</summary>
    public sealed record Answer(int Status, string Head, string Body)
    {
        public JsonElement Error
        {
            get
            {
                using var doc = JsonDocument.Parse(Body);
                return doc.RootElement.GetProperty("error").Clone();
            }
        }
    }

    /// <summary>Sends <paramref name="head"/> (request line and headers, without the blank line), then each part of the body with <paramref name="pause"/> between parts, and reads the answer until the connection closes.</summary>
    public static async Task<Answer> SendAsync(Uri baseAddress, string head, IEnumerable<byte[]>? parts = null, TimeSpan pause = default, CancellationToken cancellationToken = default)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(baseAddress.Host, baseAddress.Port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head + "\r\nHost: " + baseAddress.Authority + "\r\nConnection: close\r\n\r\n"), cancellationToken);
        var reading = ReadAllAsync(stream, cancellationToken);
        try
        {
            foreach (byte[] part in parts ?? [])
            {
                if (reading.IsCompleted)
                {
                    break;
                }

                await stream.WriteAsync(part, cancellationToken);
                if (pause > TimeSpan.Zero)
                {
                    await Task.WhenAny(reading, Task.Delay(pause, cancellationToken));
                }
            }
        }
        catch (IOException)
        {
            // The server answered and closed while we were still sending: its answer is what counts.
        }

        string text = await reading;
        int split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.That(split, Is.GreaterThan(0), "an HTTP answer came back: " + text);
        string headText = text[..split];
        int status = int.Parse(headText.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        string body = text[(split + 4)..];
        if (headText.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        return new Answer(status, headText, body);
    }

    /// <summary>One chunk of a chunked body.</summary>
    public static byte[] Chunk(string data) => Encoding.ASCII.GetBytes($"{Encoding.UTF8.GetByteCount(data):x}\r\n").Concat(Encoding.UTF8.GetBytes(data)).Concat("\r\n"u8.ToArray()).ToArray();

    private static async Task<string> ReadAllAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(buffer, cancellationToken);
        }
        catch (IOException)
        {
            // A reset after the answer: keep what arrived.
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Dechunk(string body)
    {
        var result = new StringBuilder();
        int at = 0;
        while (at < body.Length)
        {
            int eol = body.IndexOf("\r\n", at, StringComparison.Ordinal);
            if (eol < 0)
            {
                break;
            }

            int size = Convert.ToInt32(body[at..eol].Split(';')[0], 16);
            if (size == 0)
            {
                break;
            }

            result.Append(body, eol + 2, size);
            at = eol + 2 + size + 2;
        }

        return result.ToString();
    }
}
