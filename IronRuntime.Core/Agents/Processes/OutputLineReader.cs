using System.Text;

namespace IronRuntime.Agents.Processes;

/// <summary>Splits a process's output stream into lines in bounded memory: a line longer than the buffer arrives in pieces.</summary>
internal static class OutputLineReader
{
    /// <summary>The longest line handed out whole, in bytes.</summary>
    public const int MaxLineBytes = 4096;

    /// <summary>Reads <paramref name="source"/> to its end, handing each line (LF or CRLF removed) to <paramref name="onLine"/>.</summary>
    public static async Task ReadLinesAsync(Stream source, Action<string> onLine, int maxLineBytes = MaxLineBytes)
    {
        byte[] buffer = new byte[maxLineBytes];
        int count = 0;
        while (true)
        {
            int read = await source.ReadAsync(buffer.AsMemory(count)).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            int end = count + read;
            int start = 0;
            int newline;
            while ((newline = buffer.AsSpan(count, end - count).IndexOf((byte)'\n')) >= 0)
            {
                int lineEnd = count + newline;
                onLine(Decode(buffer.AsSpan(start, lineEnd - start)));
                start = count = lineEnd + 1;
            }

            count = end - start;
            buffer.AsSpan(start, count).CopyTo(buffer);
            if (count == buffer.Length)
            {
                onLine(Decode(buffer));
                count = 0;
            }
        }

        if (count > 0)
        {
            onLine(Decode(buffer.AsSpan(0, count)));
        }
    }

    private static string Decode(ReadOnlySpan<byte> line)
    {
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        return Encoding.UTF8.GetString(line);
    }
}
