using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using IronRuntime.Router.Requests;
using IronRuntime.Router.Wire;

namespace IronRuntime.Router.Simulation;

/// <summary>
/// What the simulated provider needs to know about a request body: the model, whether to stream, the output
/// limit, and the amount of prompt text.
/// </summary>
/// <remarks>
/// The model, <c>stream</c>, <c>include_usage</c> and the output limit come from the router's
/// <see cref="LlmRequestReader"/> (so the simulation accepts exactly what the router accepts); the prompt text,
/// embedding inputs and echoed members are read here. What the router refuses, and what the API itself requires
/// beyond it (<c>messages</c>; Anthropic's <c>max_tokens</c>; Responses' 16-token minimum), gets a 400 in the
/// provider's error shape. The tests' fake provider has a reader of its own on purpose, independent of this one.
/// </remarks>
internal sealed partial class ProviderRequest
{
    private ProviderRequest(LlmApi api, string model)
    {
        Api = api;
        Model = model;
    }

    /// <summary>The API the body was sent to.</summary>
    public LlmApi Api { get; }

    /// <summary>The requested model, echoed in the answer.</summary>
    public string Model { get; }

    /// <summary>Whether <c>"stream": true</c> was requested.</summary>
    public bool Stream { get; private init; }

    /// <summary>Chat Completions: <c>stream_options.include_usage</c>.</summary>
    public bool IncludeUsage { get; private init; }

    /// <summary>OpenAI streams: <c>stream_options.include_obfuscation</c> (true unless set to false).</summary>
    public bool IncludeObfuscation { get; private set; } = true;

    /// <summary>
    /// The output limit: <c>max_completion_tokens</c> (or the older <c>max_tokens</c>) for Chat Completions,
    /// <c>max_output_tokens</c> for Responses, <c>max_tokens</c> for Messages; null when absent.
    /// </summary>
    public long? MaxOutputTokens { get; private init; }

    /// <summary>The number of prompt messages, system prompt and instructions included.</summary>
    public int MessageCount { get; private set; }

    /// <summary>The UTF-8 size of all prompt text.</summary>
    public long MessageTextBytes { get; private set; }

    /// <summary>The text of the last user message (empty when there is none).</summary>
    public string LastUserText { get; private set; } = string.Empty;

    /// <summary>Responses: the <c>instructions</c> string, echoed in the answer.</summary>
    public string? Instructions { get; private set; }

    /// <summary>Responses: <c>previous_response_id</c>, echoed in the answer.</summary>
    public string? PreviousResponseId { get; private set; }

    /// <summary>Responses: <c>store</c> (true unless set to false), echoed in the answer.</summary>
    public bool Store { get; private set; } = true;

    /// <summary>Embeddings: the inputs, as text (null for a pre-tokenized input).</summary>
    public IReadOnlyList<string?> EmbeddingTexts => _embeddingTexts;

    /// <summary>Embeddings: the token count of each input (exact for pre-tokenized inputs, estimated for text).</summary>
    public IReadOnlyList<long> EmbeddingTokenCounts => _embeddingTokenCounts;

    /// <summary>Embeddings: <c>encoding_format</c> is <c>base64</c>.</summary>
    public bool Base64Embeddings { get; private set; }

    /// <summary>Embeddings: the requested <c>dimensions</c>, or null.</summary>
    public int? Dimensions { get; private set; }

    /// <summary>The estimated prompt tokens, by <see cref="TokenEstimator"/>.</summary>
    public long EstimatedInputTokens => Api == LlmApi.Embeddings
        ? _embeddingTokenCounts.Sum()
        : TokenEstimator.ForPrompt(MessageTextBytes, MessageCount);

    private readonly List<string?> _embeddingTexts = [];
    private readonly List<long> _embeddingTokenCounts = [];

    /// <summary>Reads and validates a request body.</summary>
    /// <remarks>
    /// The router's own <see cref="LlmRequestReader"/> reads the members both need (the model, <c>stream</c>,
    /// <c>stream_options.include_usage</c>, the output limit) and refuses what the router refuses, with its message in
    /// the provider's error shape; this class reads only what the simulation alone needs (the prompt text, the
    /// embedding inputs, the members it echoes) and the API's own rules the router does not check.
    /// </remarks>
    /// <param name="api">The API the body was sent to.</param>
    /// <param name="body">The raw request body.</param>
    /// <param name="request">The request, when valid.</param>
    /// <param name="error">The provider's error, when not.</param>
    /// <returns>Whether the body is a valid request.</returns>
    public static bool TryParse(
        LlmApi api,
        ReadOnlyMemory<byte> body,
        [NotNullWhen(true)] out ProviderRequest? request,
        out ProviderRequestError error)
    {
        request = null;
        if (!LlmRequestReader.TryRead(body.Span, api, out LlmRequestInfo info, out string? message, out string? param))
        {
            error = param is not null ? Invalid(api, api == LlmApi.Messages ? $"{param}: {message}" : message ?? string.Empty, param)
                : IsJsonButNotAnObject(body.Span) ? NotAnObject(api)
                : MalformedJson(api);
            return false;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException exception)
        {
            error = MalformedJson(api, exception);
            return false;
        }

        using (document)
        {
            var parsed = new ProviderRequest(api, info.Model)
            {
                Stream = info.Stream,
                IncludeUsage = api == LlmApi.ChatCompletions && info.IncludeUsage,
                MaxOutputTokens = info.MaxOutputTokens,
            };
            if (!parsed.Read(document.RootElement, out error))
            {
                return false;
            }

            request = parsed;
            error = default;
            return true;
        }
    }

    /// <summary>The error a provider answers when the body is not JSON at all.</summary>
    public static ProviderRequestError MalformedJson(LlmApi api, JsonException? exception = null)
    {
        if (api == LlmApi.Messages)
        {
            return Invalid(api, exception is null
                ? "The request body is not valid JSON."
                : string.Create(
                    CultureInfo.InvariantCulture,
                    $"The request body is not valid JSON: unexpected character: line {(exception.LineNumber ?? 0) + 1} column {(exception.BytePositionInLine ?? 0) + 1} (char {exception.BytePositionInLine ?? 0})"));
        }

        return Invalid(api, "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)");
    }

    private static ProviderRequestError NotAnObject(LlmApi api) => api == LlmApi.Messages
        ? Invalid(api, "Input should be a valid dictionary")
        : Invalid(api, "We could not parse the JSON body of your request. The OpenAI API expects a JSON object.");

    private static bool IsJsonButNotAnObject(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            return reader.Read() && reader.TokenType != JsonTokenType.StartObject;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static ProviderRequestError Invalid(LlmApi api, string message, string? param = null, string? code = null) =>
        api == LlmApi.Messages
            ? new ProviderRequestError(400, "invalid_request_error", message)
            : new ProviderRequestError(400, "invalid_request_error", message, param, code);

    private static ProviderRequestError MissingParameter(string name) => new(
        400,
        "invalid_request_error",
        $"Missing required parameter: '{name}'.",
        name,
        "missing_required_parameter");

    private bool Read(JsonElement root, out ProviderRequestError error)
    {
        bool valid;
        switch (Api)
        {
            case LlmApi.ChatCompletions:
                valid = ReadChatCompletions(root, out error);
                break;
            case LlmApi.Responses:
                ReadResponses(root);
                valid = true;
                error = default;
                break;
            case LlmApi.Messages:
                valid = ReadMessages(root, out error);
                break;
            case LlmApi.Embeddings:
                return ReadEmbeddings(root, out error);
            default:
                error = default;
                return true;
        }

        return valid && ValidateOutputLimit(out error);
    }

    /// <summary>Rejects an output limit below the API's minimum: Responses wants 16 (the router's reader already refused anything below 1).</summary>
    private bool ValidateOutputLimit(out ProviderRequestError error)
    {
        error = default;
        const long ResponsesMinimum = 16;
        if (Api != LlmApi.Responses || MaxOutputTokens is not long limit || limit >= ResponsesMinimum)
        {
            return true;
        }

        error = Invalid(
            Api,
            string.Create(CultureInfo.InvariantCulture, $"Invalid '{ResponsesWire.OutputLimit}': integer below minimum value. Expected a value >= {ResponsesMinimum}, but got {limit} instead."),
            ResponsesWire.OutputLimit,
            "integer_below_min_value");
        return false;
    }
}
