using Microsoft.ML.Tokenizers;

namespace IronRuntime.Router.Requests;

/// <summary>
/// Counts tokens in pieces of at most <see cref="MaxChunkChars"/> characters, cut at whitespace when there is some.
/// </summary>
/// <remarks>
/// Byte-pair encoding of one pre-token costs time quadratic in its length, and a text without whitespace (a long run
/// of letters, base64, minified JSON) is one pre-token: a megabyte of it takes minutes. Cutting at whitespace changes
/// nothing (the pre-tokenizer cuts there too, keeping the space with the word after it); a piece with no whitespace
/// in its second half is cut hard, which can only change the count by a token or so at the cut.
/// </remarks>
internal static class ChunkedTokenCount
{
    /// <summary>The longest piece given to the tokenizer at once.</summary>
    public const int MaxChunkChars = 512;

    /// <summary>The tokens of <paramref name="text"/>, counted piece by piece.</summary>
    public static int Count(Tokenizer tokenizer, ReadOnlySpan<char> text)
    {
        int total = 0;
        while (text.Length > MaxChunkChars)
        {
            ReadOnlySpan<char> window = text[..MaxChunkChars];
            int cut = window[(MaxChunkChars / 2)..].LastIndexOfAny(" \t\r\n");
            cut = cut < 0 ? MaxChunkChars : (MaxChunkChars / 2) + cut;
            if (char.IsHighSurrogate(text[cut - 1]))
            {
                cut--; // never split a surrogate pair
            }

            total += tokenizer.CountTokens(text[..cut], considerPreTokenization: true, considerNormalization: true);
            text = text[cut..];
        }

        return total + (text.IsEmpty ? 0 : tokenizer.CountTokens(text, considerPreTokenization: true, considerNormalization: true));
    }
}
