namespace IronRuntime.Router;

/// <summary>
/// Content policy the router applies to the text of prompts and model output (for example PII redaction). The router
/// owns the JSON and SSE surgery; the filter only sees text.
/// </summary>
/// <remarks>
/// <para>
/// For each call and direction the router asks <see cref="IsEnabled"/>; when false, the stage is skipped entirely and
/// the bytes pass through unchanged. Otherwise it creates one <see cref="ILlmTextScanner"/> per logical text stream:
/// each prompt string; each message content, refusal and tool-call argument string of a JSON answer; each streamed
/// choice, content block or tool call. Text the API repeats (the Responses API's <c>*.done</c> and
/// <c>response.completed</c> snapshots) gets a scanner created with <c>repeatsScannedText</c> set, whose detections
/// must not be counted again.
/// </para>
/// <para>
/// Content the router cannot parse is refused (a request with 422 <c>iron_runtime_content_blocked</c>, like a blocked one;
/// a stream ended with an error event) when
/// <see cref="FailClosed"/> is true for the direction, and passed through unscanned otherwise.
/// </para>
/// </remarks>
public interface ILlmContentFilter
{
    /// <summary>Whether text of <paramref name="call"/> in <paramref name="direction"/> is scanned at all.</summary>
    /// <param name="call">The call (provider, API and caller known).</param>
    /// <param name="direction">Prompts or model output.</param>
    /// <returns>False to leave the traffic untouched.</returns>
    bool IsEnabled(LlmCall call, LlmContentDirection direction);

    /// <summary>Whether content the router cannot parse is refused rather than passed through unscanned.</summary>
    /// <param name="call">The call.</param>
    /// <param name="direction">Prompts or model output.</param>
    /// <returns>True to fail closed.</returns>
    bool FailClosed(LlmCall call, LlmContentDirection direction);

    /// <summary>Creates the scanner of one logical text stream.</summary>
    /// <param name="call">The call.</param>
    /// <param name="direction">Prompts or model output.</param>
    /// <param name="repeatsScannedText">Whether the text repeats text already scanned (a snapshot): rewrite it the same way, count nothing.</param>
    /// <returns>A new scanner; the router disposes it.</returns>
    ILlmTextScanner CreateScanner(LlmCall call, LlmContentDirection direction, bool repeatsScannedText);
}
