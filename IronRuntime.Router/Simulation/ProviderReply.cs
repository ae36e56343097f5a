namespace IronRuntime.Router.Simulation;

/// <summary>
/// Everything needed to write one text answer in a provider's wire format, streamed or not: the ids,
/// the timestamp, the text cut into stream deltas, and the usage to report.
/// </summary>
/// <remarks>
/// The same reply always serializes to the same bytes (<see cref="ProviderWireWriter"/>), which is what
/// lets tests compare streams byte for byte.
/// </remarks>
internal sealed class ProviderReply
{
    /// <summary>The API whose format to write (<see cref="LlmApi.ChatCompletions"/>, <see cref="LlmApi.Responses"/> or <see cref="LlmApi.Messages"/>).</summary>
    public required LlmApi Api { get; init; }

    /// <summary>The model, as requested.</summary>
    public required string Model { get; init; }

    /// <summary>The answer id: <c>chatcmpl-…</c>, <c>resp_…</c> or <c>msg_…</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Responses: the id of the output message item (<c>msg_…</c>).</summary>
    public string ItemId { get; init; } = string.Empty;

    /// <summary>The creation time, in Unix seconds.</summary>
    public required long Created { get; init; }

    /// <summary>The stream deltas; their concatenation is the answer text.</summary>
    public required IReadOnlyList<string> Deltas { get; init; }

    /// <summary>The usage to report, normalised as in <see cref="TokenUsage"/>.</summary>
    public required TokenUsage Usage { get; init; }

    /// <summary>
    /// Whether the output limit cut the answer: <c>finish_reason: "length"</c>, <c>stop_reason: "max_tokens"</c>
    /// or <c>status: "incomplete"</c>.
    /// </summary>
    public bool Truncated { get; init; }

    /// <summary>Chat Completions streams: <c>stream_options.include_usage</c> was set.</summary>
    public bool IncludeUsage { get; init; }

    /// <summary>OpenAI streams: write the <c>obfuscation</c> padding field on delta events.</summary>
    public bool IncludeObfuscation { get; init; } = true;

    /// <summary>Seeds the (deterministic) <c>obfuscation</c> padding characters.</summary>
    public ulong ObfuscationSeed { get; init; }

    /// <summary>Chat Completions: the <c>system_fingerprint</c>.</summary>
    public string SystemFingerprint { get; init; } = "fp_0000000000";

    /// <summary>Responses: the request's <c>instructions</c>, echoed.</summary>
    public string? Instructions { get; init; }

    /// <summary>Responses: the request's <c>max_output_tokens</c>, echoed.</summary>
    public long? MaxOutputTokens { get; init; }

    /// <summary>Responses: the request's <c>previous_response_id</c>, echoed.</summary>
    public string? PreviousResponseId { get; init; }

    /// <summary>Responses: the request's <c>store</c>, echoed.</summary>
    public bool Store { get; init; } = true;

    /// <summary>The full answer text.</summary>
    public string Text => _text ??= string.Concat(Deltas);

    private string? _text;
}
