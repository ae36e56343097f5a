using System.Diagnostics.CodeAnalysis;

namespace IronRuntime.Pricing;

/// <summary>
/// Looks up the per-token prices of models.
/// </summary>
public interface IModelPricing
{
    /// <summary>
    /// Finds the price of a model.
    /// </summary>
    /// <param name="model">The model id, as sent to or reported by the provider.</param>
    /// <param name="price">The price when found; otherwise <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when the model has a known price.</returns>
    bool TryGetPrice(string model, [NotNullWhen(true)] out ModelPrice? price);
}
