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
    /// Whether to start from the table shipped with IronRuntime. Defaults to <see langword="true"/>.
    /// </summary>
    public bool IncludeShippedTable { get; set; } = true;
}
