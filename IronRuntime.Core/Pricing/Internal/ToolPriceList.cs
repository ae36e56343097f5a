namespace IronRuntime.Pricing.Internal;

/// <summary>
/// Prices of one use of the tools providers run and bill per use, by tool kind (see
/// <see cref="PricingOptions.ToolPrices"/>): the user's prices over the shipped defaults.
/// </summary>
internal sealed class ToolPriceList
{
    /// <summary>
    /// The shipped defaults, in USD per use, from the providers' published prices as read on 2026-11-26:
    /// OpenAI API pricing, "Built-in tools" (https://platform.openai.com/docs/pricing#built-in-tools) and the image
    /// generation prices of gpt-image-1, the Responses image_generation tool's model; Anthropic pricing, "Tool use"
    /// (https://docs.anthropic.com/en/docs/about-claude/pricing).
    /// </summary>
    private static readonly Dictionary<string, decimal> Defaults = new(StringComparer.OrdinalIgnoreCase)
    {
        // OpenAI web search (GA tool), every model: $10 / 1,000 calls; its search content tokens are billed at the
        // model's input rate and reported in input_tokens.
        ["web_search"] = 10m / 1_000m,

        // OpenAI web_search_preview: $25 / 1,000 calls on non-reasoning models (gpt-4o, gpt-4.1; content tokens
        // free), $10 / 1,000 on reasoning models (gpt-5, o-series; content tokens at model rates).
        ["web_search_preview"] = 25m / 1_000m,
        ["web_search_preview@reasoning"] = 10m / 1_000m,

        // OpenAI file search: $2.50 / 1,000 tool calls (vector storage, $0.10 / GB / day past the first GB, is not per call).
        ["file_search"] = 2.50m / 1_000m,

        // OpenAI code interpreter: $0.03 per container (1 GB, the default memory limit).
        ["code_interpreter"] = 0.03m,

        // OpenAI image generation (gpt-image-1), per image by quality and size; an image of unknown size or quality
        // (and the reservation per image) at the dearest, $0.25.
        ["image_generation"] = 0.25m,
        ["image_generation.low.1024x1024"] = 0.011m,
        ["image_generation.low.1024x1536"] = 0.016m,
        ["image_generation.low.1536x1024"] = 0.016m,
        ["image_generation.medium.1024x1024"] = 0.042m,
        ["image_generation.medium.1024x1536"] = 0.063m,
        ["image_generation.medium.1536x1024"] = 0.063m,
        ["image_generation.high.1024x1024"] = 0.167m,
        ["image_generation.high.1024x1536"] = 0.25m,
        ["image_generation.high.1536x1024"] = 0.25m,

        // OpenAI remote MCP: no per-use fee (its tokens are billed as usual).
        ["mcp"] = 0m,

        // Anthropic web fetch: no per-use fee (fetched content is billed as input tokens).
        ["web_fetch"] = 0m,

        // Anthropic code execution: $0.05 per container-hour (5-minute minimum). Charged as one hour per call that
        // offers the tool: the usage reports no execution time.
        ["code_execution"] = 0.05m,
    };

    private readonly Dictionary<string, decimal> _user;

    public ToolPriceList(IDictionary<string, decimal> user)
        => _user = new Dictionary<string, decimal>(user, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The price kind of a tool type as a request names it: Anthropic's date suffix (<c>web_search_20250305</c>)
    /// and OpenAI's (<c>web_search_preview_2025_03_11</c>) removed.
    /// </summary>
    public static string Kind(string type)
    {
        ReadOnlySpan<char> t = type;
        if (t.Length > 9 && t[^9] == '_' && IsDigits(t[^8..]))
        {
            return type[..^9];
        }

        if (t.Length > 11 && t[^11] == '_' && IsDigits(t[^10..^6]) && t[^6] == '_' && IsDigits(t[^5..^3]) && t[^3] == '_' && IsDigits(t[^2..]))
        {
            return type[..^11];
        }

        return type;
    }

    /// <summary>Whether the tool is charged once per answered call that offers it (its uses are not reported).</summary>
    public static bool ChargedPerCall(string kind) => kind == "code_execution";

    /// <summary>Whether the kind is a web search, priced from the pricing table when it has a price for the model.</summary>
    public static bool IsWebSearch(string kind) => kind is "web_search" or "web_search_preview" or "web_search_options";

    /// <summary>The price the user set for a kind on this model, if any.</summary>
    public decimal? UserPrice(string kind, string model) => Find(_user, kind, model);

    /// <summary>The price of one use of a kind on a model: the user's, else the shipped default; null when unknown.</summary>
    public decimal? PerUse(string kind, string model) => Find(_user, kind, model) ?? Find(Defaults, kind, model);

    /// <summary>
    /// The most one use of a kind can cost on a model: for image generation the dearest image price there is.
    /// </summary>
    public decimal? MostPerUse(string kind, string model)
    {
        decimal? price = PerUse(kind, model);
        if (kind != "image_generation" || price is null)
        {
            return price;
        }

        decimal most = price.Value;
        foreach (var prices in (ReadOnlySpan<Dictionary<string, decimal>>)[Defaults, _user])
        {
            foreach (string key in prices.Keys)
            {
                if (key.StartsWith("image_generation.", StringComparison.OrdinalIgnoreCase) && PerUse(BaseKey(key), model) is { } p)
                {
                    most = Math.Max(most, p);
                }
            }
        }

        return most;
    }

    /// <summary>
    /// The price of one reported use (a kind as <see cref="Router.TokenUsage.ToolUses"/> names it): an image of a
    /// quality and size without a price of its own costs what <c>image_generation</c> costs; 0 when unknown.
    /// </summary>
    public decimal ReportedUse(string kind, string model)
        => PerUse(kind, model)
           ?? (kind.StartsWith("image_generation.", StringComparison.Ordinal) ? PerUse("image_generation", model) : null)
           ?? 0m;

    private static string BaseKey(string key) => key.IndexOf('@', StringComparison.Ordinal) is var at and >= 0 ? key[..at] : key;

    private static decimal? Find(Dictionary<string, decimal> prices, string kind, string model)
    {
        if (prices.Count == 0)
        {
            return null;
        }

        if (prices.TryGetValue(string.Concat(kind, "@", model), out decimal price))
        {
            return price;
        }

        if (Router.LlmModels.IsReasoningModel(model) && prices.TryGetValue(kind + "@reasoning", out price))
        {
            return price;
        }

        return prices.TryGetValue(kind, out price) ? price : null;
    }

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        foreach (char c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
