namespace IronRuntime.Router.Wire;

/// <summary>
/// OpenAI Chat Completions on the wire (<c>POST /v1/chat/completions</c>): the members, paths and stream markers the
/// router reads and writes.
/// </summary>
/// <remarks>
/// A stream is a series of <c>chat.completion.chunk</c> objects without <c>event:</c> names, ended by
/// <c>data: [DONE]</c>. Text arrives at <see cref="DeltaPath"/> (<c>choices[i].delta.content</c>, <c>.refusal</c>) and
/// <see cref="ToolCallFunctionPath"/> (<c>choices[i].delta.tool_calls[j].function.arguments</c>); a
/// <c>finish_reason</c> ends choice i; with <c>stream_options.include_usage</c> the last chunk has
/// <c>"choices":[]</c> and the <c>usage</c>, every other one <c>"usage":null</c>.
/// </remarks>
internal static class ChatCompletionsWire
{
    /// <summary>The route, relative to the provider's base address.</summary>
    public const string Route = "v1/chat/completions";

    /// <summary>Request: the output limit's name (the router writes this one when it imposes a limit).</summary>
    public const string OutputLimit = "max_completion_tokens";

    /// <summary>Request: the output limit.</summary>
    public static ReadOnlySpan<byte> MaxCompletionTokens => "max_completion_tokens"u8;

    /// <summary>Request: the output limit's older name, still accepted.</summary>
    public static ReadOnlySpan<byte> LegacyMaxTokens => "max_tokens"u8;

    /// <summary>The answers (one per <c>n</c>).</summary>
    public static ReadOnlySpan<byte> Choices => "choices"u8;

    /// <summary>A stream chunk's piece of a choice.</summary>
    public static ReadOnlySpan<byte> Delta => "delta"u8;

    /// <summary>Text of a message or delta.</summary>
    public static ReadOnlySpan<byte> Content => "content"u8;

    /// <summary>A refusal's text.</summary>
    public static ReadOnlySpan<byte> Refusal => "refusal"u8;

    /// <summary>A message's or delta's tool calls.</summary>
    public static ReadOnlySpan<byte> ToolCalls => "tool_calls"u8;

    /// <summary>A tool call's function.</summary>
    public static ReadOnlySpan<byte> Function => "function"u8;

    /// <summary>The one function call of a message or delta in the deprecated functions API (no index).</summary>
    public static ReadOnlySpan<byte> FunctionCall => "function_call"u8;

    /// <summary>A function call's arguments (a JSON text as a string).</summary>
    public static ReadOnlySpan<byte> Arguments => "arguments"u8;

    /// <summary>Why a choice ended.</summary>
    public static ReadOnlySpan<byte> FinishReason => "finish_reason"u8;

    /// <summary>The data of the event that ends a stream.</summary>
    public static ReadOnlySpan<byte> Done => "[DONE]"u8;

    /// <summary><c>"content":"</c>, found by a byte search in compact chunks.</summary>
    public static ReadOnlySpan<byte> ContentString => "\"content\":\""u8;

    /// <summary><c>"arguments":"</c>, found by a byte search in compact chunks.</summary>
    public static ReadOnlySpan<byte> ArgumentsString => "\"arguments\":\""u8;

    /// <summary><c>"refusal":"</c>, found by a byte search in compact chunks.</summary>
    public static ReadOnlySpan<byte> RefusalString => "\"refusal\":\""u8;

    /// <summary><c>"usage":</c>, found by a byte search from a chunk's end (OpenAI writes it last).</summary>
    public static ReadOnlySpan<byte> UsageMember => "\"usage\":"u8;

    /// <summary>How an OpenAI error event's data starts.</summary>
    public static ReadOnlySpan<byte> ErrorStart => "{\"error\""u8;

    /// <summary>Usage (also of Embeddings): the prompt's tokens, cached ones included.</summary>
    public static ReadOnlySpan<byte> PromptTokens => "prompt_tokens"u8;

    /// <summary>Usage: the generated tokens, reasoning included.</summary>
    public static ReadOnlySpan<byte> CompletionTokens => "completion_tokens"u8;

    /// <summary>Usage: prompt plus completion tokens.</summary>
    public static ReadOnlySpan<byte> TotalTokens => "total_tokens"u8;

    /// <summary>Usage: the breakdown of the prompt tokens (<see cref="CachedTokens"/>, <see cref="AudioTokens"/>).</summary>
    public static ReadOnlySpan<byte> PromptTokensDetails => "prompt_tokens_details"u8;

    /// <summary>Usage: the breakdown of the completion tokens (<see cref="ReasoningTokens"/>, <see cref="AudioTokens"/>).</summary>
    public static ReadOnlySpan<byte> CompletionTokensDetails => "completion_tokens_details"u8;

    /// <summary>Usage details (both OpenAI APIs): prompt tokens read from the cache.</summary>
    public static ReadOnlySpan<byte> CachedTokens => "cached_tokens"u8;

    /// <summary>Usage details (both OpenAI APIs): reasoning tokens.</summary>
    public static ReadOnlySpan<byte> ReasoningTokens => "reasoning_tokens"u8;

    /// <summary>Usage details (both OpenAI APIs): audio tokens.</summary>
    public static ReadOnlySpan<byte> AudioTokens => "audio_tokens"u8;

    /// <summary>The containers above a chunk's delta text: the chunk, <c>choices</c>, a choice, <c>delta</c>.</summary>
    public static ReadOnlySpan<WireName> DeltaPath => [WireName.Other, WireName.Choices, WireName.Other, WireName.Delta];

    /// <summary>The containers above a streamed tool call's arguments: <c>choices[i].delta.tool_calls[j].function</c>.</summary>
    public static ReadOnlySpan<WireName> ToolCallFunctionPath =>
        [WireName.Other, WireName.Choices, WireName.Other, WireName.Delta, WireName.ToolCalls, WireName.Other, WireName.Function];

    /// <summary>The containers above a streamed legacy function call's arguments: <c>choices[i].delta.function_call</c>.</summary>
    public static ReadOnlySpan<WireName> FunctionCallPath => [WireName.Other, WireName.Choices, WireName.Other, WireName.Delta, WireName.FunctionCall];

    /// <summary>The container that is one choice: an element of <c>choices</c>.</summary>
    public static ReadOnlySpan<WireName> ChoicePath => [WireName.Other, WireName.Choices, WireName.Other];

    /// <summary>The container that is one streamed tool call: an element of <c>choices[i].delta.tool_calls</c>.</summary>
    public static ReadOnlySpan<WireName> ToolCallPath => [WireName.Other, WireName.Choices, WireName.Other, WireName.Delta, WireName.ToolCalls, WireName.Other];
}
