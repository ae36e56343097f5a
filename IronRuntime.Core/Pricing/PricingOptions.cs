namespace IronRuntime.Pricing;

/// <summary>
/// Where model prices come from.
/// </summary>
/// <remarks>
/// Sources, from weakest to strongest: the table shipped with IronRuntime (derived from the LiteLLM pricing map,
/// see <c>eng/update-pricing.py</c>), then <see cref="PricingFile"/>, then <see cref="Overrides"/>. A stronger
/// source replaces a weaker one's entry of the same model id (compared case-insensitively); model-id fallbacks
/// (provider prefix, date suffix, <c>-latest</c>, fine-tune ids) are applied to the merged table.
/// </remarks>
public sealed class PricingOptions
{
    /// <summary>
    /// The path of a pricing map in the LiteLLM <c>model_prices_and_context_window.json</c> format, whose entries
    /// override the shipped table; <see langword="null"/> for none.
    /// </summary>
    /// <remarks>
    /// Entries without both <c>input_cost_per_token</c> and <c>output_cost_per_token</c> (and LiteLLM's
    /// <c>sample_spec</c>) are ignored. A file that is not valid JSON, or has a price that is not a non-negative
    /// number, fails the load with an <see cref="InvalidOperationException"/> naming the file and the location.
    /// </remarks>
    public string? PricingFile { get; set; }

    /// <summary>
    /// Prices of single models, by model id (case-insensitive); they win over every other source.
    /// </summary>
    public IDictionary<string, ModelPrice> Overrides { get; } = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Prices of one use of a tool the provider runs and bills per use, in US dollars, by tool kind; they win over
    /// the shipped defaults (see docs/budgets.md, "Per-use tool prices"). Configuration:
    /// <c>IronRuntime:Pricing:ToolPrices:file_search</c> = <c>0.0025</c>.
    /// </summary>
    /// <remarks>
    /// Keys (case-insensitive): <c>web_search</c>, <c>web_search_preview</c>, <c>file_search</c>,
    /// <c>code_interpreter</c> (per 1 GB container), <c>code_interpreter.{memory_limit}</c> (<c>code_interpreter.4g</c>,
    /// <c>.16g</c>, <c>.64g</c>, or a newer size), <c>image_generation</c> (an image whose size or quality the answer does
    /// not name, and the reservation's price per image), <c>image_generation.{quality}.{size}</c> (for example
    /// <c>image_generation.high.1024x1536</c>), <c>code_execution</c> (Anthropic, per call that offers it),
    /// <c>web_fetch</c>, <c>mcp</c>, or any other tool type as the request names it (without Anthropic's date suffix).
    /// A key may end in <c>@</c> and a model id (<c>web_search_preview@gpt-4.1</c>) or <c>@reasoning</c> (OpenAI's
    /// reasoning models: gpt-5, o-series) to price the tool for that model only. A tool whose kind has no price is
    /// refused while a budget applies, even with <see cref="RuntimeConfig.UnboundedCostAllowance"/>.
    /// </remarks>
    public IDictionary<string, decimal> ToolPrices { get; } = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Whether to start from the table shipped with IronRuntime. Defaults to <see langword="true"/>.
    /// </summary>
    public bool IncludeShippedTable { get; set; } = true;
}
