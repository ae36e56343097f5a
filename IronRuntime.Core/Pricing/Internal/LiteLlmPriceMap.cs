using System.Text.Json;

namespace IronRuntime.Pricing.Internal;

/// <summary>
/// Reads pricing maps in the LiteLLM <c>model_prices_and_context_window.json</c> format.
/// </summary>
/// <remarks>
/// The map is one JSON object keyed by model id. Non-object entries (such as the shipped table's
/// <c>_source</c> note), LiteLLM's <c>sample_spec</c>, and entries without both per-token prices (image,
/// audio-second or per-character pricing) are skipped. Prices are read as <see langword="decimal"/>
/// directly from the JSON text, exponent form included, never through <see langword="double"/>.
/// </remarks>
internal static class LiteLlmPriceMap
{
    private const string SampleSpec = "sample_spec";

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Reads a map and adds (or replaces) its models' prices in <paramref name="prices"/>.</summary>
    /// <param name="utf8Json">The map as UTF-8 JSON.</param>
    /// <param name="sourceName">How to name the map in error messages, such as <c>pricing file 'prices.json'</c>.</param>
    /// <param name="prices">Where to put the prices.</param>
    /// <exception cref="InvalidOperationException">The map is not valid JSON or has an invalid price.</exception>
    public static void ReadInto(ReadOnlyMemory<byte> utf8Json, string sourceName, IDictionary<string, ModelPrice> prices)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            // The reader's message ends in a zero-based " LineNumber: n | BytePositionInLine: m."; report one-based instead.
            string reason = ex.Message;
            int position = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            string where = string.Empty;
            if (ex.LineNumber is long line)
            {
                where = $" at line {line + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}";
                reason = position > 0 ? reason[..position] : reason;
            }

            throw new InvalidOperationException($"The {sourceName} is not valid JSON{where}: {reason}", ex);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidOperationException(
                    $"The {sourceName} must be a JSON object keyed by model id, but its root is {root.ValueKind}.");
            }

            foreach (JsonProperty entry in root.EnumerateObject())
            {
                if (entry.Value.ValueKind == JsonValueKind.Object && !entry.NameEquals(SampleSpec)
                    && TryReadPrice(entry.Name, entry.Value, sourceName) is { } price)
                {
                    prices[entry.Name] = price;
                }
            }
        }
    }

    private static ModelPrice? TryReadPrice(string model, JsonElement entry, string sourceName)
    {
        decimal? input = ReadCost(model, entry, "input_cost_per_token", sourceName);
        decimal? output = ReadCost(model, entry, "output_cost_per_token", sourceName);
        if (input is null || output is null)
        {
            return null;
        }

        var basePrice = new ModelPrice
        {
            InputPerToken = input.Value,
            OutputPerToken = output.Value,
            CachedInputPerToken = ReadCost(model, entry, "cache_read_input_token_cost", sourceName),
            CacheWritePerToken = ReadCost(model, entry, "cache_creation_input_token_cost", sourceName),
            CacheWriteOneHourPerToken = ReadCost(model, entry, "cache_creation_input_token_cost_above_1hr", sourceName),
            ReasoningPerToken = ReadCost(model, entry, "output_cost_per_reasoning_token", sourceName),
            InputAudioPerToken = ReadCost(model, entry, "input_cost_per_audio_token", sourceName),
            OutputAudioPerToken = ReadCost(model, entry, "output_cost_per_audio_token", sourceName),
            WebSearchPerQuery = ReadPerQuery(model, entry, sourceName),
            WebSearchLowContextPerQuery = ReadPerQuery(model, entry, sourceName, "search_context_size_low"),
            WebSearchMediumContextPerQuery = ReadPerQuery(model, entry, sourceName, "search_context_size_medium"),
            WebSearchHighContextPerQuery = ReadPerQuery(model, entry, sourceName, "search_context_size_high"),
            MaxInputTokens = ReadTokenCount(entry, "max_input_tokens"),
            MaxOutputTokens = ReadTokenCount(entry, "max_output_tokens") ?? ReadTokenCount(entry, "max_tokens"),
            Provider = entry.TryGetProperty("litellm_provider", out JsonElement provider) && provider.ValueKind == JsonValueKind.String
                ? provider.GetString()
                : null,
        };

        // Long-context rates: LiteLLM names them *_above_200k_tokens or *_above_272k_tokens.
        ModelPrice? longContext = null;
        long? threshold = null;
        foreach ((string suffix, long tokens) in (ReadOnlySpan<(string, long)>)[("_above_200k_tokens", 200_000), ("_above_272k_tokens", 272_000)])
        {
            if (Variant(model, entry, sourceName, basePrice, suffix) is { } variant)
            {
                longContext = variant with
                {
                    CacheWriteOneHourPerToken = ReadCost(model, entry, "cache_creation_input_token_cost_above_1hr" + suffix, sourceName) ?? variant.CacheWriteOneHourPerToken,
                };
                threshold = tokens;
                break;
            }
        }

        return basePrice with
        {
            Priority = Variant(model, entry, sourceName, basePrice, "_priority"),
            Flex = Variant(model, entry, sourceName, basePrice, "_flex"),
            LongContext = longContext,
            LongContextThreshold = threshold,
        };
    }

    /// <summary>The rates of a tier (<c>_priority</c>, <c>_flex</c>, <c>_above_200k_tokens</c>…), or null when the entry has none.</summary>
    private static ModelPrice? Variant(string model, JsonElement entry, string sourceName, ModelPrice basePrice, string suffix)
    {
        decimal? input = ReadCost(model, entry, "input_cost_per_token" + suffix, sourceName);
        decimal? output = ReadCost(model, entry, "output_cost_per_token" + suffix, sourceName);
        if (input is null && output is null)
        {
            return null;
        }

        return basePrice with
        {
            InputPerToken = input ?? basePrice.InputPerToken,
            OutputPerToken = output ?? basePrice.OutputPerToken,
            CachedInputPerToken = ReadCost(model, entry, "cache_read_input_token_cost" + suffix, sourceName) ?? basePrice.CachedInputPerToken,
            CacheWritePerToken = ReadCost(model, entry, "cache_creation_input_token_cost" + suffix, sourceName) ?? basePrice.CacheWritePerToken,
        };
    }

    /// <summary>LiteLLM's <c>search_context_cost_per_query</c>: an object of prices per context size; the dearest, or the one of <paramref name="contextSize"/>.</summary>
    private static decimal? ReadPerQuery(string model, JsonElement entry, string sourceName, string? contextSize = null)
    {
        if (!entry.TryGetProperty("search_context_cost_per_query", out JsonElement value) || value.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (contextSize is not null)
        {
            return ReadCost(model, value, contextSize, sourceName);
        }

        decimal? dearest = null;
        foreach (JsonProperty size in value.EnumerateObject())
        {
            decimal? cost = ReadCost(model, value, size.Name, sourceName);
            if (cost is { } c && (dearest is null || c > dearest))
            {
                dearest = c;
            }
        }

        return dearest;
    }

    /// <summary>Reads a price: absent or <c>null</c> gives <see langword="null"/>; anything but a non-negative number fails.</summary>
    private static decimal? ReadCost(string model, JsonElement entry, string field, string sourceName)
    {
        if (!entry.TryGetProperty(field, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out decimal cost) && cost >= 0m)
        {
            return cost;
        }

        throw new InvalidOperationException(
            $"The {sourceName} has an invalid price at $['{model}'].{field}: expected a non-negative number of USD per token, found {Describe(value)}.");
    }

    /// <summary>Reads a token limit; a missing or non-integer value (LiteLLM has a few) is ignored.</summary>
    private static long? ReadTokenCount(JsonElement entry, string field) =>
        entry.TryGetProperty(field, out JsonElement value)
            && value.ValueKind == JsonValueKind.Number
            && value.TryGetInt64(out long count)
            && count > 0
            ? count
            : null;

    private static string Describe(JsonElement value) =>
        value.ValueKind switch
        {
            JsonValueKind.Number or JsonValueKind.String => value.GetRawText(),
            _ => value.ValueKind.ToString(),
        };
}
