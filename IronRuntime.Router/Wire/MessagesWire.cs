namespace IronRuntime.Router.Wire;

/// <summary>
/// Anthropic Messages on the wire (<c>POST /v1/messages</c>): the event types and members the router reads.
/// </summary>
/// <remarks>
/// Every stream event is named and repeats its name as <c>type</c>: <c>message_start</c> (the message with its input
/// usage), per content block i <c>content_block_start</c> (its <c>content_block</c>), <c>content_block_delta</c> (a
/// <c>delta</c> of <c>text</c>, <c>partial_json</c> of a tool's input, or <c>thinking</c>) and
/// <c>content_block_stop</c>, then <c>message_delta</c> (stop reason, cumulative output usage) and
/// <c>message_stop</c>; <c>ping</c> and <c>error</c> any time.
/// </remarks>
internal static class MessagesWire
{
    /// <summary>The route, relative to the provider's base address.</summary>
    public const string Route = "v1/messages";

    /// <summary>The token-counting route (forwarded without metering).</summary>
    public const string CountTokensRoute = "v1/messages/count_tokens";

    /// <summary>Request: the output limit's name (required).</summary>
    public const string OutputLimit = "max_tokens";

    /// <summary>Request: the output limit (required).</summary>
    public static ReadOnlySpan<byte> MaxTokens => "max_tokens"u8;

    /// <summary>The first event: the message and its input usage.</summary>
    public static ReadOnlySpan<byte> MessageStart => "message_start"u8;

    /// <summary>A content block begins (its <c>content_block</c>, with initial text).</summary>
    public static ReadOnlySpan<byte> ContentBlockStart => "content_block_start"u8;

    /// <summary>A piece of a content block.</summary>
    public static ReadOnlySpan<byte> ContentBlockDelta => "content_block_delta"u8;

    /// <summary>A content block ends.</summary>
    public static ReadOnlySpan<byte> ContentBlockStop => "content_block_stop"u8;

    /// <summary>The stop reason and the cumulative output usage.</summary>
    public static ReadOnlySpan<byte> MessageDelta => "message_delta"u8;

    /// <summary>The last event of a complete answer.</summary>
    public static ReadOnlySpan<byte> MessageStop => "message_stop"u8;

    /// <summary>The member of <c>message_start</c> that holds the message.</summary>
    public static ReadOnlySpan<byte> Message => "message"u8;

    /// <summary>The piece a <c>content_block_delta</c> carries.</summary>
    public static ReadOnlySpan<byte> Delta => "delta"u8;

    /// <summary>The block a <c>content_block_start</c> opens.</summary>
    public static ReadOnlySpan<byte> ContentBlock => "content_block"u8;

    /// <summary>A message's or an answer's content (a string, or blocks).</summary>
    public static ReadOnlySpan<byte> Content => "content"u8;

    /// <summary>Text of a text block or <c>text_delta</c>.</summary>
    public static ReadOnlySpan<byte> Text => "text"u8;

    /// <summary>A piece of a tool's input JSON (<c>input_json_delta</c>).</summary>
    public static ReadOnlySpan<byte> PartialJson => "partial_json"u8;

    /// <summary>Request: the system prompt (a string or text blocks).</summary>
    public static ReadOnlySpan<byte> System => "system"u8;

    /// <summary>A <c>tool_use</c> block's input (a JSON object every string of which is text).</summary>
    public static ReadOnlySpan<byte> Input => "input"u8;

    /// <summary><c>"text":"</c>, found by a byte search in compact events.</summary>
    public static ReadOnlySpan<byte> TextString => "\"text\":\""u8;

    /// <summary><c>"partial_json":"</c>, found by a byte search in compact events.</summary>
    public static ReadOnlySpan<byte> PartialJsonString => "\"partial_json\":\""u8;

    /// <summary><c>"thinking":"</c>, found by a byte search in compact events.</summary>
    public static ReadOnlySpan<byte> ThinkingString => "\"thinking\":\""u8;

    /// <summary>Usage: the prompt's tokens not read from or written to the cache.</summary>
    public static ReadOnlySpan<byte> InputTokens => "input_tokens"u8;

    /// <summary>Usage: the generated tokens (cumulative in <c>message_delta</c>).</summary>
    public static ReadOnlySpan<byte> OutputTokens => "output_tokens"u8;

    /// <summary>Usage: prompt tokens read from the cache.</summary>
    public static ReadOnlySpan<byte> CacheReadInputTokens => "cache_read_input_tokens"u8;

    /// <summary>Usage: prompt tokens written to the cache.</summary>
    public static ReadOnlySpan<byte> CacheCreationInputTokens => "cache_creation_input_tokens"u8;

    /// <summary>Usage: the cache writes by lifetime (<see cref="OneHourCacheInputTokens"/>).</summary>
    public static ReadOnlySpan<byte> CacheCreation => "cache_creation"u8;

    /// <summary>Usage, in <see cref="CacheCreation"/>: prompt tokens written to the one-hour cache.</summary>
    public static ReadOnlySpan<byte> OneHourCacheInputTokens => "ephemeral_1h_input_tokens"u8;

    /// <summary>Usage: the server tools run (<see cref="WebSearchRequests"/>).</summary>
    public static ReadOnlySpan<byte> ServerToolUse => "server_tool_use"u8;

    /// <summary>Usage, in <see cref="ServerToolUse"/>: web searches run.</summary>
    public static ReadOnlySpan<byte> WebSearchRequests => "web_search_requests"u8;

    /// <summary>
    /// Anthropic's <c>input_tokens</c> of a normalised <see cref="TokenUsage"/>: the prompt tokens neither read from
    /// nor written to the cache (the router counts every prompt token as input).
    /// </summary>
    public static long UncachedInputTokens(TokenUsage usage)
        => Math.Max(0, usage.InputTokens - usage.CachedInputTokens - usage.CacheCreationInputTokens);

    /// <summary>The containers above an event's own members (<c>index</c>): the event object.</summary>
    public static ReadOnlySpan<WireName> EventPath => [WireName.Other];

    /// <summary>The containers above a delta's text: the event, its <c>delta</c>.</summary>
    public static ReadOnlySpan<WireName> DeltaPath => [WireName.Other, WireName.Delta];

    /// <summary>The containers above a started block's text: the event, its <c>content_block</c>.</summary>
    public static ReadOnlySpan<WireName> ContentBlockPath => [WireName.Other, WireName.ContentBlock];
}
