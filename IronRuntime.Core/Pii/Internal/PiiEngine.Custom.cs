using System.Text;

namespace IronRuntime.Pii.Internal;

internal sealed partial class PiiEngine
{
    /// <summary>Custom patterns see one whitespace-delimited token at a time, up to this many bytes.</summary>
    public const int MaxCustomToken = 256;

    /// <summary>
    /// Runs the custom patterns over the tokens of the settled text. While the text is open, the settled length moves
    /// back to the start of its token, so a token is only ever matched whole.
    /// </summary>
    private PiiScanResult ScanCustom(in ScanInput input, List<PiiMatch> matches, int firstMatch, PiiScanResult builtIn)
    {
        ReadOnlySpan<byte> text = input.Text;
        int regionEnd = builtIn.SettledLength;
        string? pendingType = builtIn.PendingEntityType;
        if (!input.IsFinal)
        {
            int tokenStart = regionEnd;
            while (tokenStart > 0 && !PiiAscii.IsWhitespace(text[tokenStart - 1]) && regionEnd - tokenStart <= MaxCustomToken)
            {
                tokenStart--;
            }

            bool continuesReleasedToken = tokenStart == 0 && input.At(-1) >= 0 && !PiiAscii.IsWhitespace(input.At(-1));
            if (tokenStart < regionEnd && regionEnd - tokenStart <= MaxCustomToken && !continuesReleasedToken)
            {
                regionEnd = tokenStart;
                pendingType ??= _custom[0].EntityType;
                for (int i = matches.Count - 1; i >= firstMatch && matches[i].End > regionEnd; i--)
                {
                    matches.RemoveAt(i);
                }
            }
        }

        int builtInEnd = matches.Count;
        int p = 0;
        bool skipFirst = !PiiAscii.IsWhitespace(input.At(-1)) && input.At(-1) >= 0;
        while (p < regionEnd)
        {
            while (p < regionEnd && PiiAscii.IsWhitespace(text[p]))
            {
                p++;
                skipFirst = false;
            }

            int start = p;
            while (p < regionEnd && !PiiAscii.IsWhitespace(text[p]))
            {
                p++;
            }

            if (p > start && !skipFirst && p - start <= MaxCustomToken)
            {
                MatchToken(text, start, p, matches, firstMatch);
            }

            skipFirst = false;
        }

        if (matches.Count > builtInEnd)
        {
            matches.Sort(firstMatch, matches.Count - firstMatch, Comparer<PiiMatch>.Create(static (a, b) => a.Start.CompareTo(b.Start)));
        }

        return new PiiScanResult(input.IsFinal ? text.Length : regionEnd, regionEnd == text.Length ? null : pendingType);
    }

    private void MatchToken(ReadOnlySpan<byte> text, int start, int end, List<PiiMatch> matches, int firstMatch)
    {
        ReadOnlySpan<byte> token = text[start..end];
        Span<char> chars = stackalloc char[MaxCustomToken];
        if (!Encoding.UTF8.TryGetChars(token, chars, out int charCount))
        {
            return;
        }

        chars = chars[..charCount];
        foreach (PiiCustomDetector detector in _custom)
        {
            foreach (var found in detector.Pattern.EnumerateMatches(chars))
            {
                if (found.Length == 0)
                {
                    continue;
                }

                int byteStart = start + Encoding.UTF8.GetByteCount(chars[..found.Index]);
                int byteEnd = byteStart + Encoding.UTF8.GetByteCount(chars.Slice(found.Index, found.Length));
                if (Overlaps(matches, firstMatch, byteStart, byteEnd)
                    || (detector.Validator is { } validate && !validate(new string(chars.Slice(found.Index, found.Length)))))
                {
                    continue;
                }

                matches.Add(new PiiMatch(byteStart, byteEnd - byteStart, detector.EntityType));
            }
        }

    }

    private static bool Overlaps(List<PiiMatch> matches, int from, int start, int end)
    {
        for (int i = from; i < matches.Count; i++)
        {
            if (matches[i].Start < end && start < matches[i].End)
            {
                return true;
            }
        }

        return false;
    }
}
