using IronRuntime.Router;

namespace IronRuntime.Pii;

/// <summary>
/// PII and secret scanning on its own, without the router: find or redact the values in a string, or scan a stream
/// piece by piece. Registered by <c>AddIronRuntime</c> (with auditing); <see cref="PiiScanner.Create"/> makes one without a container.
/// </summary>
/// <remarks>
/// Every entry point gives the same answer for the same text: <see cref="Redact"/> equals the concatenated output of a
/// streaming scanner fed the text in any pieces, and <see cref="Find"/> lists what both replace.
/// </remarks>
public interface IPiiScanner
{
    /// <summary>Finds the values in <paramref name="text"/>, in order.</summary>
    /// <param name="text">The text.</param>
    /// <returns>Where each value is (UTF-16 offsets into <paramref name="text"/>) and what it is.</returns>
    IReadOnlyList<PiiFinding> Find(string text);

    /// <summary>Replaces every value in <paramref name="text"/> (by <c>[TYPE]</c>, the configured replacement or redactor).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The redacted text.</returns>
    string Redact(string text);

    /// <summary>
    /// Creates the scanner of one logical text stream (UTF-8 pieces) in the mode configured for
    /// <paramref name="direction"/>; <see cref="PiiMode.Redact"/> when that mode is <see cref="PiiMode.Off"/>.
    /// </summary>
    /// <param name="direction">Whether the text is a prompt or model output (selects the mode; recorded in audit events).</param>
    /// <param name="agentId">The agent the text belongs to, for audit events and metrics; null when none.</param>
    /// <returns>The scanner; dispose it when the stream ends.</returns>
    ILlmTextScanner CreateStreamingScanner(LlmContentDirection direction, string? agentId = null);
}
