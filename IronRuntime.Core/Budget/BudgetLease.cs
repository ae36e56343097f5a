using IronRuntime.Pricing;
using IronRuntime.Router;

namespace IronRuntime.Budget;

/// <summary>
/// Held by the router for one admitted call; settles the actual cost when it ends, at the price of the model that
/// answered (after a failover, the fallback's; the reserved model's when the fallback has no known price) and of the
/// service tier the call was billed at.
/// </summary>
internal sealed class BudgetLease(IBudgetLedger ledger, BudgetReservation reservation, ModelPrice? price, string reservedModel, IModelPricing pricing, string? serviceTier = null) : ILlmCallLease
{
    /// <summary>The amount reserved for the call: its worst case.</summary>
    public decimal Reserved => reservation.Amount;

    /// <summary>The id of the reservation in the state store when it was made durable; 0 when not.</summary>
    public long DurableId { get; init; }

    /// <summary>The cost settled, once the call has ended; null before.</summary>
    public decimal? Cost { get; private set; }

    /// <summary>What the call holds of the rate limits, corrected to its reported tokens when it ends; null without rate limits.</summary>
    public RateLimits.RateTicket? Rate { get; set; }

    public void Complete(LlmCall call)
    {
        var answered = price;
        if (!string.Equals(call.Model, reservedModel, StringComparison.Ordinal) && pricing.TryGetPrice(call.Model, out var other))
        {
            answered = other;
        }

        decimal cost = answered?.ForServiceTier(serviceTier).CostOf(call.Usage, SearchContextSize(call.Billing)) ?? 0m;
        ledger.Settle(reservation, cost);
        Rate?.Settle(call.Usage.InputTokens + call.Usage.OutputTokens);
        Cost = cost;
        call.SettledCost = cost;
    }

    /// <summary>The search context size of the call's web search (OpenAI's default, medium, when it sets none).</summary>
    private static string? SearchContextSize(LlmBillingFactors billing)
    {
        foreach (var tool in billing.ServerTools)
        {
            if (tool.SearchContextSize is { } size)
            {
                return size;
            }
        }

        return null;
    }
}
