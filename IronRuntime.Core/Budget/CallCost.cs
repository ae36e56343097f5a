using IronRuntime.Pricing;
using IronRuntime.Router;

namespace IronRuntime.Budget;

/// <summary>
/// The cost of an ended call as the budget settled it, so every observer reports the same figure without pricing
/// the call again; priced afresh only for calls the budget gate did not see.
/// </summary>
internal static class CallCost
{
    /// <summary>The call's cost in USD (0 for a model with no known price).</summary>
    public static decimal Of(LlmCall call, IModelPricing pricing)
    {
        if (call.SettledCost is { } settled)
        {
            return settled;
        }

        return pricing.TryGetPrice(call.Model, out var price) ? price.CostOf(call.Usage) : 0m;
    }
}
