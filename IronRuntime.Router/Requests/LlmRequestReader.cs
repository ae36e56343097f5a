using System.Text.Json;

namespace IronRuntime.Router.Requests;

/// <summary>
/// Reads the few fields of an LLM request body the router needs, in one forward pass with
/// <see cref="Utf8JsonReader"/>, recording byte positions so edits can splice the original bytes.
/// </summary>
internal static class LlmRequestReader
{
    /// <summary>Parses <paramref name="body"/>; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryRead(ReadOnlySpan<byte> body, LlmApi api, out LlmRequestInfo info, out string? error)
    {
        info = new LlmRequestInfo();
        error = null;
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 256 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "The request body must be a JSON object.";
                return false;
            }

            bool lastWasType = false;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName when reader.CurrentDepth == 1:
                        info.ObjectEmpty = false;
                        if (!ReadTopLevelProperty(ref reader, api, info, out error, ref lastWasType))
                        {
                            return false;
                        }

                        break;
                    case JsonTokenType.PropertyName:
                        lastWasType = reader.ValueTextEquals("type"u8);
                        break;
                    case JsonTokenType.String:
                        if (lastWasType)
                        {
                            CountPart(ref reader, info);
                        }

                        lastWasType = false;
                        break;
                    case JsonTokenType.EndObject when reader.CurrentDepth == 0:
                        info.ObjectEnd = (int)reader.TokenStartIndex;
                        break;
                    default:
                        lastWasType = false;
                        break;
                }
            }

            if (info.ObjectEnd < 0)
            {
                error = "The request body is not complete JSON.";
                return false;
            }
        }
        catch (JsonException ex)
        {
            error = $"We could not parse the JSON body of your request ({ex.Message}).";
            return false;
        }

        if (info.ModelTokenStart < 0 && api != LlmApi.Unknown)
        {
            error = "You must provide a model parameter.";
            return false;
        }

        return true;
    }

    private static bool ReadTopLevelProperty(ref Utf8JsonReader reader, LlmApi api, LlmRequestInfo info, out string? error, ref bool lastWasType)
    {
        error = null;
        lastWasType = false;
        if (reader.ValueTextEquals("model"u8))
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                error = "The model parameter must be a string.";
                return false;
            }

            info.Model = reader.GetString() ?? string.Empty;
            if (info.Model.Length == 0)
            {
                error = "The model parameter must not be empty.";
                return false;
            }

            info.ModelTokenStart = (int)reader.TokenStartIndex;
            info.ModelTokenLength = reader.ValueSpan.Length + 2;
            return true;
        }

        if (reader.ValueTextEquals("stream"u8))
        {
            reader.Read();
            switch (reader.TokenType)
            {
                case JsonTokenType.True: info.Stream = true; return true;
                case JsonTokenType.False or JsonTokenType.Null: info.Stream = false; return true;
                default: error = "The stream parameter must be a boolean."; return false;
            }
        }

        if (reader.ValueTextEquals("stream_options"u8))
        {
            return ReadStreamOptions(ref reader, info, out error);
        }

        if (IsMaxTokensName(ref reader, api))
        {
            var name = reader.GetString();
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                return true;
            }

            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long value) || value <= 0 || value > int.MaxValue)
            {
                error = $"Invalid '{name}': it must be a positive integer no larger than {int.MaxValue}.";
                return false;
            }

            info.MaxOutputTokens = info.MaxOutputTokens is { } existing ? Math.Min(existing, value) : value;
            return true;
        }

        // Any other member: walk it so that image and file parts are counted.
        return true;
    }

    private static bool IsMaxTokensName(ref Utf8JsonReader reader, LlmApi api) => api switch
    {
        LlmApi.ChatCompletions => reader.ValueTextEquals("max_completion_tokens"u8) || reader.ValueTextEquals("max_tokens"u8),
        LlmApi.Responses => reader.ValueTextEquals("max_output_tokens"u8),
        LlmApi.Messages => reader.ValueTextEquals("max_tokens"u8),
        _ => false,
    };

    private static bool ReadStreamOptions(ref Utf8JsonReader reader, LlmRequestInfo info, out string? error)
    {
        error = null;
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            info.StreamOptionsNullStart = (int)reader.TokenStartIndex;
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            error = "The stream_options parameter must be an object.";
            return false;
        }

        info.HasStreamOptions = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            info.StreamOptionsEmpty = false;
            bool isIncludeUsage = reader.ValueTextEquals("include_usage"u8);
            reader.Read();
            if (isIncludeUsage)
            {
                if (reader.TokenType == JsonTokenType.True)
                {
                    info.IncludeUsage = true;
                }
                else if (reader.TokenType == JsonTokenType.False)
                {
                    info.IncludeUsageFalseStart = (int)reader.TokenStartIndex;
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    error = "stream_options.include_usage must be a boolean.";
                    return false;
                }
            }
            else
            {
                reader.Skip();
            }
        }

        info.StreamOptionsEnd = (int)reader.TokenStartIndex;
        return true;
    }

    private static void CountPart(ref Utf8JsonReader reader, LlmRequestInfo info)
    {
        if (reader.ValueTextEquals("image_url"u8) || reader.ValueTextEquals("input_image"u8) || reader.ValueTextEquals("image"u8))
        {
            info.ImageParts++;
        }
        else if (reader.ValueTextEquals("file"u8) || reader.ValueTextEquals("input_file"u8) || reader.ValueTextEquals("document"u8))
        {
            info.FileParts++;
        }
    }
}
