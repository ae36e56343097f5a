using System.Buffers;

namespace IronRuntime.Router;

/// <summary>
/// Scans one logical text stream — a prompt string, or one streamed choice, content block or tool call — piece by
/// piece, and may rewrite it. Created by an <see cref="ILlmContentFilter"/>; not thread-safe.
/// </summary>
/// <remarks>
/// The router passes JSON-unescaped UTF-8 text and re-escapes what the scanner writes. A scanner may hold back the tail
/// of a piece that could still be the start of a value; it releases it with a later piece, or when
/// <see cref="Scan"/> is called with <c>isFinal</c> (with an empty piece at the end of the stream).
/// </remarks>
public interface ILlmTextScanner : IDisposable
{
    /// <summary>The entity types that caused <see cref="LlmTextScanStatus.Blocked"/> (never the values).</summary>
    IReadOnlyList<string> BlockedEntityTypes { get; }

    /// <summary>Scans the next piece of the stream.</summary>
    /// <param name="text">The piece, UTF-8, JSON-unescaped.</param>
    /// <param name="isFinal">Whether the stream ends with this piece (release everything held).</param>
    /// <param name="output">Receives the text to forward instead, when the answer is <see cref="LlmTextScanStatus.Rewritten"/>.</param>
    /// <returns>Whether to forward the piece as it is, what was written instead, or to stop.</returns>
    LlmTextScanStatus Scan(ReadOnlySpan<byte> text, bool isFinal, IBufferWriter<byte> output);
}
