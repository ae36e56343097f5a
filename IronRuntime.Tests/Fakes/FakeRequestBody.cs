using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using IronRuntime.Router;

namespace IronRuntime.Tests.Fakes;

/// <summary>
/// The fake provider's own reading of a request body: the few fields it answers from, validated the way the providers'
/// API references describe (400 for a body that is not a JSON object, a missing <c>model</c>, <c>messages</c>,
/// <c>input</c> or Anthropic <c>max_tokens</c>, an output limit below the minimum).
/// </summary>
/// <remarks>
/// Written in the tests with <see cref="JsonDocument"/> only, on purpose: nothing of the library's request reading or
/// simulation is used, so a mistake there cannot be repeated here and hide itself. The billed prompt size, when a test
/// sets no usage, is the fake's own rule: a quarter of the prompt text's UTF-8 bytes, rounded up, plus 3 tokens per
/// message (system prompt and instructions count as messages); for embeddings, the same quarter per text input and the
/// number of token ids for a pre-tokenized one.
/// </remarks>
internal sealed class FakeRequestBody
{
    private const int TokensPerMessage = 3;

    private long _textBytes;
    private int _messages;
    private long _embeddingTokens;

    private FakeRequestBody(LlmApi api, string model)
    {
        Api = api;
        Model = model;
    }

    public LlmApi Api { get; }

    public string Model { get; }

    public bool Stream { get; private set; }

    /// <summary>Chat Completions: <c>stream_options.include_usage</c>.</summary>
    public bool IncludeUsage { get; private set; }

    /// <summary>OpenAI streams: <c>stream_options.include_obfuscation</c>, true unless set to false.</summary>
    public bool IncludeObfuscation { get; private set; } = true;

    /// <summary><c>max_completion_tokens</c>/<c>max_tokens</c>, <c>max_output_tokens</c> (Responses), <c>max_tokens</c> (Messages).</summary>
    public long? MaxOutputTokens { get; private set; }

    public string? Instructions { get; private set; }

    public string? PreviousResponseId { get; private set; }

    public bool Store { get; private set; } = true;

    /// <summary>Embeddings: each input's text (null for token ids).</summary>
    public List<string?> EmbeddingTexts { get; } = [];

    public bool Base64Embeddings { get; private set; }

    public int? Dimensions { get; private set; }

    /// <summary>The prompt tokens the fake bills when the test sets no usage (see the remarks).</summary>
    public long BilledInputTokens => Api == LlmApi.Embeddings
        ? _embeddingTokens
        : Quarter(_textBytes) + ((long)TokensPerMessage * _messages);

    /// <summary>Reads <paramref name="body"/>; on failure, <paramref name="error"/> is the provider's answer (status and body).</summary>
    public static bool TryParse(LlmApi api, byte[] body, string requestId, [NotNullWhen(true)] out FakeRequestBody? request, out (int StatusCode, byte[] Body) error)
    {
        request = null;
        error = default;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            error = api == LlmApi.Messages
                ? Bad(api, requestId, string.Create(CultureInfo.InvariantCulture, $"The request body is not valid JSON: unexpected character: line {(ex.LineNumber ?? 0) + 1} column {(ex.BytePositionInLine ?? 0) + 1}"))
                : Bad(api, requestId, "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)");
            return false;
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = Bad(api, requestId, api == LlmApi.Messages ? "Input should be a valid dictionary" : "We could not parse the JSON body of your request. The OpenAI API expects a JSON object.");
                return false;
            }

            if (!root.TryGetProperty("model", out JsonElement model) || model.ValueKind != JsonValueKind.String)
            {
                error = Bad(api, requestId, api == LlmApi.Messages ? "model: Field required" : "you must provide a model parameter");
                return false;
            }

            var parsed = new FakeRequestBody(api, model.GetString()!)
            {
                Stream = root.TryGetProperty("stream", out JsonElement stream) && stream.ValueKind == JsonValueKind.True,
            };
            string? problem = api switch
            {
                LlmApi.ChatCompletions => parsed.ReadChat(root),
                LlmApi.Responses => parsed.ReadResponses(root),
                LlmApi.Messages => parsed.ReadMessages(root),
                _ => parsed.ReadEmbeddings(root),
            };
            problem ??= parsed.CheckOutputLimit(root);
            if (problem is not null)
            {
                error = problem.StartsWith("missing:", StringComparison.Ordinal)
                    ? (400, FakeWire.OpenAIError($"Missing required parameter: '{problem[8..]}'.", "invalid_request_error", problem[8..], "missing_required_parameter"))
                    : Bad(api, requestId, problem);
                return false;
            }

            request = parsed;
            return true;
        }
    }

    private static (int, byte[]) Bad(LlmApi api, string requestId, string message) => (400, api == LlmApi.Messages
        ? FakeWire.AnthropicError("invalid_request_error", message, requestId)
        : FakeWire.OpenAIError(message, "invalid_request_error"));

    private static long Quarter(long bytes) => (bytes + 3) / 4;

    private string? ReadChat(JsonElement root)
    {
        if (!root.TryGetProperty("messages", out JsonElement messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return "missing:messages";
        }

        if (root.TryGetProperty("stream_options", out JsonElement options) && options.ValueKind == JsonValueKind.Object)
        {
            IncludeUsage = options.TryGetProperty("include_usage", out JsonElement usage) && usage.ValueKind == JsonValueKind.True;
            IncludeObfuscation = !(options.TryGetProperty("include_obfuscation", out JsonElement o) && o.ValueKind == JsonValueKind.False);
        }

        MaxOutputTokens = Integer(root, "max_completion_tokens") ?? Integer(root, "max_tokens");
        foreach (JsonElement message in messages.EnumerateArray())
        {
            AddMessage(message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content", out JsonElement content) ? content : default);
        }

        return null;
    }

    private string? ReadResponses(JsonElement root)
    {
        MaxOutputTokens = Integer(root, "max_output_tokens");
        PreviousResponseId = Text(root, "previous_response_id");
        Store = !(root.TryGetProperty("store", out JsonElement store) && store.ValueKind == JsonValueKind.False);
        if (root.TryGetProperty("stream_options", out JsonElement options) && options.ValueKind == JsonValueKind.Object)
        {
            IncludeObfuscation = !(options.TryGetProperty("include_obfuscation", out JsonElement o) && o.ValueKind == JsonValueKind.False);
        }

        Instructions = Text(root, "instructions");
        if (Instructions is not null)
        {
            AddText(Instructions);
        }

        if (root.TryGetProperty("input", out JsonElement input))
        {
            if (input.ValueKind == JsonValueKind.String)
            {
                AddText(input.GetString()!);
            }
            else if (input.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement item in input.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object))
                {
                    AddMessage(item.TryGetProperty("content", out JsonElement content) ? content
                        : item.TryGetProperty("output", out JsonElement output) ? output : default);
                }
            }
        }

        return null;
    }

    private string? ReadMessages(JsonElement root)
    {
        MaxOutputTokens = Integer(root, "max_tokens");
        if (MaxOutputTokens is null)
        {
            return "max_tokens: Field required";
        }

        if (!root.TryGetProperty("messages", out JsonElement messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return "messages: Field required";
        }

        if (root.TryGetProperty("system", out JsonElement system))
        {
            AddMessage(system);
        }

        foreach (JsonElement message in messages.EnumerateArray())
        {
            AddMessage(message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content", out JsonElement content) ? content : default);
        }

        return null;
    }

    private string? ReadEmbeddings(JsonElement root)
    {
        if (!root.TryGetProperty("input", out JsonElement input))
        {
            return "missing:input";
        }

        Base64Embeddings = Text(root, "encoding_format") == "base64";
        long? dimensions = Integer(root, "dimensions");
        if (dimensions < 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{dimensions} is less than the minimum of 1 - 'dimensions'");
        }

        Dimensions = (int?)dimensions;
        if (input.ValueKind == JsonValueKind.String)
        {
            AddEmbedding(input.GetString()!);
        }
        else if (input.ValueKind == JsonValueKind.Array && input.GetArrayLength() > 0 && input[0].ValueKind == JsonValueKind.Number)
        {
            AddEmbeddingIds(input.GetArrayLength());
        }
        else if (input.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement element in input.EnumerateArray())
            {
                if (element.ValueKind == JsonValueKind.String)
                {
                    AddEmbedding(element.GetString()!);
                }
                else if (element.ValueKind == JsonValueKind.Array)
                {
                    AddEmbeddingIds(element.GetArrayLength());
                }
            }
        }

        return EmbeddingTexts.Count == 0 ? "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference." : null;
    }

    /// <summary>The documented minimums: 16 for <c>max_output_tokens</c>, 1 elsewhere.</summary>
    private string? CheckOutputLimit(JsonElement root)
    {
        long minimum = Api == LlmApi.Responses ? 16 : 1;
        if (Api == LlmApi.Embeddings || MaxOutputTokens is not long limit || limit >= minimum)
        {
            return null;
        }

        if (Api == LlmApi.Messages)
        {
            return "max_tokens: Input should be greater than or equal to 1";
        }

        string name = Api == LlmApi.Responses ? "max_output_tokens" : root.TryGetProperty("max_completion_tokens", out _) ? "max_completion_tokens" : "max_tokens";
        return string.Create(CultureInfo.InvariantCulture, $"Invalid '{name}': integer below minimum value. Expected a value >= {minimum}, but got {limit} instead.");
    }

    private void AddEmbedding(string text)
    {
        EmbeddingTexts.Add(text);
        _embeddingTokens += Quarter(Encoding.UTF8.GetByteCount(text));
    }

    private void AddEmbeddingIds(int count)
    {
        EmbeddingTexts.Add(null);
        _embeddingTokens += count;
    }

    private void AddMessage(JsonElement content) => AddText(content.ValueKind == JsonValueKind.Undefined ? string.Empty : TextOf(content));

    private void AddText(string text)
    {
        _messages++;
        _textBytes += Encoding.UTF8.GetByteCount(text);
    }

    /// <summary>A content value's text: a string, or the parts' texts (strings, <c>text</c>, nested <c>content</c>) joined by newlines.</summary>
    private static string TextOf(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString()!,
        JsonValueKind.Array => string.Join('\n', content.EnumerateArray().Select(PartText).Where(t => !string.IsNullOrEmpty(t))),
        _ => string.Empty,
    };

    private static string? PartText(JsonElement part) => part.ValueKind switch
    {
        JsonValueKind.String => part.GetString(),
        JsonValueKind.Object when part.TryGetProperty("text", out JsonElement text) && text.ValueKind == JsonValueKind.String => text.GetString(),
        JsonValueKind.Object when part.TryGetProperty("content", out JsonElement nested) => TextOf(nested),
        _ => null,
    };

    private static long? Integer(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number) ? number : null;

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
