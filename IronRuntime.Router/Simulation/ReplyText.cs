using System.Text;

namespace IronRuntime.Router.Simulation;

/// <summary>Cuts answer text the way models stream it and the way output limits truncate it.</summary>
internal static class ReplyText
{
    /// <summary>
    /// Splits <paramref name="text"/> into stream deltas: each word with the whitespace before it
    /// (<c>"Hello"</c>, <c>" world"</c>, ...), as token streams look.
    /// </summary>
    public static List<string> SplitIntoDeltas(string text)
    {
        var deltas = new List<string>();
        int start = 0;
        for (int i = 1; i < text.Length; i++)
        {
            if (char.IsWhiteSpace(text[i]) && !char.IsWhiteSpace(text[i - 1]))
            {
                deltas.Add(text[start..i]);
                start = i;
            }
        }

        if (start < text.Length)
        {
            deltas.Add(text[start..]);
        }

        return deltas;
    }

    /// <summary>The number of whitespace-separated words in <paramref name="text"/>.</summary>
    public static int CountWords(string text)
    {
        int words = 0;
        bool inWord = false;
        foreach (char c in text)
        {
            bool white = char.IsWhiteSpace(c);
            if (!white && !inWord)
            {
                words++;
            }

            inWord = !white;
        }

        return words;
    }

    /// <summary>The longest prefix of <paramref name="text"/> of at most <paramref name="maxBytes"/> UTF-8 bytes that does not split a character.</summary>
    public static string TruncateToUtf8Bytes(string text, long maxBytes)
    {
        long bytes = 0;
        int end = 0;
        foreach (Rune rune in text.EnumerateRunes())
        {
            bytes += rune.Utf8SequenceLength;
            if (bytes > maxBytes)
            {
                break;
            }

            end += rune.Utf16SequenceLength;
        }

        return text[..end];
    }
}
