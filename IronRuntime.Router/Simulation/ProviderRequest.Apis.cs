using System.Globalization;
using System.Text;
using System.Text.Json;

namespace IronRuntime.Router.Simulation;

/// <summary>The per-API readers of <see cref="ProviderRequest"/>: Chat Completions, Responses, Messages, Embeddings.</summary>
internal sealed partial class ProviderRequest
{
    private bool ReadChatCompletions(JsonElement root, out ProviderRequestError error)
    {
        if (!root.TryGetProperty("messages", out JsonElement messages) || messages.ValueKind != JsonValueKind.Array)
        {
            error = MissingParameter("messages");
            return false;
        }

        ReadObfuscation(root);
        AddMessages(messages);

        error = default;
        return true;
    }

    private void ReadResponses(JsonElement root)
    {
        PreviousResponseId = ReadString(root, "previous_response_id");
        Store = !(root.TryGetProperty("store", out JsonElement store) && store.ValueKind == JsonValueKind.False);
        ReadObfuscation(root);
        Instructions = ReadString(root, "instructions");
        if (Instructions is not null)
        {
            AddMessage(Instructions, isUser: false);
        }

        if (!root.TryGetProperty("input", out JsonElement input))
        {
            return;
        }

        if (input.ValueKind == JsonValueKind.String)
        {
            AddMessage(input.GetString()!, isUser: true);
            return;
        }

        if (input.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (JsonElement item in input.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            string text = item.TryGetProperty("content", out JsonElement content) ? TextOf(content)
                : item.TryGetProperty("output", out JsonElement output) ? TextOf(output)
                : string.Empty;
            AddMessage(text, IsUser(item));
        }
    }

    private bool ReadMessages(JsonElement root, out ProviderRequestError error)
    {
        if (MaxOutputTokens is null)
        {
            error = Invalid(Api, "max_tokens: Field required");
            return false;
        }

        if (!root.TryGetProperty("messages", out JsonElement messages) || messages.ValueKind != JsonValueKind.Array)
        {
            error = Invalid(Api, "messages: Field required");
            return false;
        }

        if (root.TryGetProperty("system", out JsonElement system))
        {
            AddMessage(TextOf(system), isUser: false);
        }

        AddMessages(messages);

        error = default;
        return true;
    }

    private bool ReadEmbeddings(JsonElement root, out ProviderRequestError error)
    {
        if (!root.TryGetProperty("input", out JsonElement input))
        {
            error = MissingParameter("input");
            return false;
        }

        Base64Embeddings = ReadString(root, "encoding_format") == "base64";
        long? dimensions = ReadLong(root, "dimensions");
        if (dimensions is < 1)
        {
            error = Invalid(Api, string.Create(CultureInfo.InvariantCulture, $"{dimensions} is less than the minimum of 1 - 'dimensions'"));
            return false;
        }

        Dimensions = (int?)dimensions;
        switch (input.ValueKind)
        {
            case JsonValueKind.String:
                AddEmbeddingText(input.GetString()!);
                break;
            case JsonValueKind.Array when input.GetArrayLength() > 0 && input[0].ValueKind == JsonValueKind.Number:
                AddEmbeddingTokens(input.GetArrayLength());
                break;
            case JsonValueKind.Array:
                foreach (JsonElement element in input.EnumerateArray())
                {
                    if (element.ValueKind == JsonValueKind.String)
                    {
                        AddEmbeddingText(element.GetString()!);
                    }
                    else if (element.ValueKind == JsonValueKind.Array)
                    {
                        AddEmbeddingTokens(element.GetArrayLength());
                    }
                }

                break;
            default:
                break;
        }

        if (_embeddingTexts.Count == 0)
        {
            error = Invalid(Api, "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.");
            return false;
        }

        error = default;
        return true;
    }

    private void ReadObfuscation(JsonElement root)
    {
        if (root.TryGetProperty("stream_options", out JsonElement options) && options.ValueKind == JsonValueKind.Object)
        {
            IncludeObfuscation = !(options.TryGetProperty("include_obfuscation", out JsonElement obfuscation) && obfuscation.ValueKind == JsonValueKind.False);
        }
    }

    private void AddEmbeddingText(string text)
    {
        _embeddingTexts.Add(text);
        _embeddingTokenCounts.Add(TokenEstimator.FromUtf8Bytes(Encoding.UTF8.GetByteCount(text)));
    }

    private void AddEmbeddingTokens(int count)
    {
        _embeddingTexts.Add(null);
        _embeddingTokenCounts.Add(count);
    }

    private void AddMessages(JsonElement messages)
    {
        foreach (JsonElement message in messages.EnumerateArray())
        {
            string text = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content", out JsonElement content)
                ? TextOf(content)
                : string.Empty;
            AddMessage(text, IsUser(message));
        }
    }

    private void AddMessage(string text, bool isUser)
    {
        MessageCount++;
        MessageTextBytes += Encoding.UTF8.GetByteCount(text);
        if (isUser)
        {
            LastUserText = text;
        }
    }

    private static bool IsUser(JsonElement message) =>
        message.ValueKind == JsonValueKind.Object
        && message.TryGetProperty("role", out JsonElement role)
        && role.ValueKind == JsonValueKind.String
        && role.ValueEquals("user"u8);

    /// <summary>The text of a content value: a string, or the <c>text</c> of each part of an array.</summary>
    private static string TextOf(JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return string.Empty;
        }

        StringBuilder? builder = null;
        string? single = null;
        foreach (JsonElement part in content.EnumerateArray())
        {
            string? text = part.ValueKind switch
            {
                JsonValueKind.String => part.GetString(),
                JsonValueKind.Object when part.TryGetProperty("text", out JsonElement value) && value.ValueKind == JsonValueKind.String => value.GetString(),
                JsonValueKind.Object when part.TryGetProperty("content", out JsonElement nested) => TextOf(nested),
                _ => null,
            };
            if (string.IsNullOrEmpty(text))
            {
                continue;
            }

            if (single is null)
            {
                single = text;
            }
            else
            {
                builder ??= new StringBuilder(single);
                builder.Append('\n').Append(text);
            }
        }

        return builder?.ToString() ?? single ?? string.Empty;
    }

    private static long? ReadLong(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number)
            ? number
            : null;

    private static string? ReadString(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
