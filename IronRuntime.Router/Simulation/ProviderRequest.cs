using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace IronRuntime.Router.Simulation;

/// <summary>
/// What a simulated (or fake) provider needs to know about a request body: the model, whether to
/// stream, the output limit, and the amount of prompt text.
/// </summary>
/// <remarks>
/// Parsing validates the body the way the real API does for the fields it reads: a body that is not a
/// JSON object, a missing <c>model</c> (and, for Anthropic, missing <c>max_tokens</c> or
/// <c>messages</c>) is rejected with the provider's 400 error.
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
    public bool Stream { get; private set; }

    /// <summary>Chat Completions: <c>stream_options.include_usage</c>.</summary>
    public bool IncludeUsage { get; private set; }

    /// <summary>OpenAI streams: <c>stream_options.include_obfuscation</c> (true unless set to false).</summary>
    public bool IncludeObfuscation { get; private set; } = true;

    /// <summary>
    /// The output limit: <c>max_completion_tokens</c> (or the older <c>max_tokens</c>) for Chat Completions,
    /// <c>max_output_tokens</c> for Responses, <c>max_tokens</c> for Messages; null when absent.
    /// </summary>
    public long? MaxOutputTokens { get; private set; }

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
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException exception)
        {
            error = MalformedJson(api, exception);
            return false;
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = api == LlmApi.Messages
                    ? Invalid(api, "Input should be a valid dictionary")
                    : Invalid(api, "We could not parse the JSON body of your request. The OpenAI API expects a JSON object.");
                return false;
            }

            if (!root.TryGetProperty("model", out JsonElement model) || model.ValueKind != JsonValueKind.String)
            {
                error = api == LlmApi.Messages
                    ? Invalid(api, "model: Field required")
                    : Invalid(api, "you must provide a model parameter");
                return false;
            }

            var parsed = new ProviderRequest(api, model.GetString()!);
            if (!parsed.Read(root, out error))
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
            long line = (exception?.LineNumber ?? 0) + 1;
            long column = (exception?.BytePositionInLine ?? 0) + 1;
            return Invalid(api, string.Create(
                CultureInfo.InvariantCulture,
                $"The request body is not valid JSON: unexpected character: line {line} column {column} (char {column - 1})"));
        }

        return Invalid(api, "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)");
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
        Stream = root.TryGetProperty("stream", out JsonElement stream) && stream.ValueKind == JsonValueKind.True;
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

        return valid && ValidateOutputLimit(root, out error);
    }

    /// <summary>Rejects an output limit below the API's minimum (1 token; 16 for Responses).</summary>
    private bool ValidateOutputLimit(JsonElement root, out ProviderRequestError error)
    {
        error = default;
        if (MaxOutputTokens is not long limit)
        {
            return true;
        }

        string name = Api switch
        {
            LlmApi.Responses => "max_output_tokens",
            LlmApi.ChatCompletions when root.TryGetProperty("max_completion_tokens", out _) => "max_completion_tokens",
            _ => "max_tokens",
        };
        long minimum = Api == LlmApi.Responses ? 16 : 1;
        if (limit >= minimum)
        {
            return true;
        }

        error = Api == LlmApi.Messages
            ? Invalid(Api, "max_tokens: Input should be greater than or equal to 1")
            : Invalid(
                Api,
                string.Create(CultureInfo.InvariantCulture, $"Invalid '{name}': integer below minimum value. Expected a value >= {minimum}, but got {limit} instead."),
                name,
                "integer_below_min_value");
        return false;
    }
}
