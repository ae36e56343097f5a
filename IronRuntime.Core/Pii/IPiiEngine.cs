namespace IronRuntime.Pii;

/// <summary>
/// Finds personal data and secrets in UTF-8 text. The built-in engine locates candidates with vectorised searches and
/// validates them by hand (Luhn, mod-97, CRC32, ranges); register your own implementation to replace it.
/// </summary>
/// <remarks>
/// Streaming contract: for any text cut into pieces, scanning the settled prefix, then the rest appended to the
/// unsettled tail (with <c>preceding</c> the last settled bytes), must find the same values as scanning the whole.
/// Matches are reported in order, do not overlap and lie within the settled prefix.
/// </remarks>
public interface IPiiEngine
{
    /// <summary>Scans <paramref name="text"/>.</summary>
    /// <param name="text">UTF-8 text (already JSON-unescaped).</param>
    /// <param name="preceding">The last few bytes (up to 32) before <paramref name="text"/> in its stream; empty at its start.</param>
    /// <param name="isFinal">Whether no more text follows (nothing is then pending).</param>
    /// <param name="matches">Receives the values found, in order.</param>
    /// <returns>How much of the text is settled.</returns>
    PiiScanResult Scan(ReadOnlySpan<byte> text, ReadOnlySpan<byte> preceding, bool isFinal, List<PiiMatch> matches);
}
