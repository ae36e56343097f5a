namespace IronRuntime.Router.Content;

/// <summary>Identifies one logical text stream of a response: a choice's content, a tool call, a content block.</summary>
/// <param name="Family">What kind of text.</param>
/// <param name="Outer">The choice, output item or block index.</param>
/// <param name="Inner">The tool call or content part index (0 when none).</param>
internal readonly record struct SseTextStreamKey(SseTextFamily Family, long Outer, long Inner);
