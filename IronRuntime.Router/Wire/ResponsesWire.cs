namespace IronRuntime.Router.Wire;

/// <summary>
/// OpenAI Responses on the wire (<c>POST /v1/responses</c>): the event types and members the router reads.
/// </summary>
/// <remarks>
/// Every stream event is named (<c>event:</c>) and repeats its name as <c>type</c>. Text arrives in
/// <c>&lt;family&gt;.delta</c> events (<c>response.output_text.delta</c>, <c>response.function_call_arguments.delta</c>,
/// <c>response.reasoning_summary_text.delta</c>, …) as <c>delta</c>, at <c>output_index</c> and <c>content_index</c> or
/// <c>summary_index</c>; the matching <c>&lt;family&gt;.done</c> repeats the whole text. <c>response.completed</c>,
/// <c>response.incomplete</c> and <c>response.failed</c> end the stream and carry <c>response.usage</c>.
/// </remarks>
internal static class ResponsesWire
{
    /// <summary>The route, relative to the provider's base address.</summary>
    public const string Route = "v1/responses";

    /// <summary>Request: the output limit's name.</summary>
    public const string OutputLimit = "max_output_tokens";

    /// <summary>Request: the output limit (reasoning included; at least 16).</summary>
    public static ReadOnlySpan<byte> MaxOutputTokens => "max_output_tokens"u8;

    /// <summary>The suffix of every event that carries a piece of text.</summary>
    public static ReadOnlySpan<byte> DeltaSuffix => ".delta"u8;

    /// <summary>The suffix of every event that ends one text (and repeats it).</summary>
    public static ReadOnlySpan<byte> DoneSuffix => ".done"u8;

    /// <summary>The first event; carries the response (model, no usage yet).</summary>
    public static ReadOnlySpan<byte> Created => "response.created"u8;

    /// <summary>The response is being generated.</summary>
    public static ReadOnlySpan<byte> InProgress => "response.in_progress"u8;

    /// <summary>The complete answer, with usage.</summary>
    public static ReadOnlySpan<byte> Completed => "response.completed"u8;

    /// <summary>An answer cut short (output limit, content filter), with usage.</summary>
    public static ReadOnlySpan<byte> Incomplete => "response.incomplete"u8;

    /// <summary>A failed answer, with usage.</summary>
    public static ReadOnlySpan<byte> Failed => "response.failed"u8;

    /// <summary>The member of the terminal events (and <c>response.created</c>) that holds the response.</summary>
    public static ReadOnlySpan<byte> Response => "response"u8;

    /// <summary>The output items of a response.</summary>
    public static ReadOnlySpan<byte> Output => "output"u8;

    /// <summary>A text event's piece of text.</summary>
    public static ReadOnlySpan<byte> Delta => "delta"u8;

    /// <summary>The output item an event belongs to.</summary>
    public static ReadOnlySpan<byte> OutputIndex => "output_index"u8;

    /// <summary>The content part of the item an event belongs to.</summary>
    public static ReadOnlySpan<byte> ContentIndex => "content_index"u8;

    /// <summary>The reasoning summary part an event belongs to.</summary>
    public static ReadOnlySpan<byte> SummaryIndex => "summary_index"u8;

    /// <summary>Text of an output part.</summary>
    public static ReadOnlySpan<byte> Text => "text"u8;

    /// <summary>Request: the system prompt.</summary>
    public static ReadOnlySpan<byte> Instructions => "instructions"u8;

    /// <summary>Request: the prompt (a string, or an array of items).</summary>
    public static ReadOnlySpan<byte> Input => "input"u8;

    /// <summary><c>"delta":"</c>, found by a byte search in compact events.</summary>
    public static ReadOnlySpan<byte> DeltaString => "\"delta\":\""u8;

    /// <summary><c>"text":"</c>, found by a byte search in compact events.</summary>
    public static ReadOnlySpan<byte> TextString => "\"text\":\""u8;

    /// <summary>The output item of one web search (billed per call; reported only as an item).</summary>
    public static ReadOnlySpan<byte> WebSearchCall => "web_search_call"u8;

    /// <summary>The output item of one file search (billed per call).</summary>
    public static ReadOnlySpan<byte> FileSearchCall => "file_search_call"u8;

    /// <summary>The output item of one code interpreter call (billed per container it runs in).</summary>
    public static ReadOnlySpan<byte> CodeInterpreterCall => "code_interpreter_call"u8;

    /// <summary>The output item of one generated image (billed by quality and size).</summary>
    public static ReadOnlySpan<byte> ImageGenerationCall => "image_generation_call"u8;

    /// <summary>Usage: the prompt's tokens, cached ones included.</summary>
    public static ReadOnlySpan<byte> InputTokens => "input_tokens"u8;

    /// <summary>Usage: the generated tokens, reasoning included.</summary>
    public static ReadOnlySpan<byte> OutputTokens => "output_tokens"u8;

    /// <summary>Usage: the breakdown of the input tokens (the Chat Completions detail names).</summary>
    public static ReadOnlySpan<byte> InputTokensDetails => "input_tokens_details"u8;

    /// <summary>Usage: the breakdown of the output tokens (the Chat Completions detail names).</summary>
    public static ReadOnlySpan<byte> OutputTokensDetails => "output_tokens_details"u8;

    /// <summary>The containers above a text event's members: the event object itself.</summary>
    public static ReadOnlySpan<WireName> EventPath => [WireName.Other];

    /// <summary>Whether <paramref name="type"/> ends the answer with usage: completed or incomplete (not failed).</summary>
    public static bool IsCompletion(ReadOnlySpan<byte> type) => type.SequenceEqual(Completed) || type.SequenceEqual(Incomplete);

    /// <summary>Whether <paramref name="type"/> ends the stream: completed, incomplete or failed.</summary>
    public static bool IsTerminal(ReadOnlySpan<byte> type) => IsCompletion(type) || type.SequenceEqual(Failed);

    /// <summary>The text family of a <c>*.delta</c> or <c>*.done</c> event type (the type without its suffix); empty for any other type.</summary>
    public static ReadOnlySpan<byte> TextFamily(ReadOnlySpan<byte> type)
        => type.EndsWith(DeltaSuffix) ? type[..^DeltaSuffix.Length]
            : type.EndsWith(DoneSuffix) ? type[..^DoneSuffix.Length]
            : default;
}
