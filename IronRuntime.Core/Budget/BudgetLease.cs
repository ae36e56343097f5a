using IronRuntime.Pricing;
using IronRuntime.Pricing.Internal;
using IronRuntime.Router;

namespace IronRuntime.Budget;

/// <summary>
/// Held by the router for one admitted call; settles the actual cost when it ends, at the price of the model that
/// answered (after a failover, the fallback's; the reserved model's when the fallback has no known price) and of the
/// service tier the call was billed at, plus the per-use fees of the server tools the answer reports.
/// </summary>
internal sealed class BudgetLease(IBudgetLedger ledger, BudgetReservation reservation, ModelPrice? price, string reservedModel, IModelPricing pricing, string? serviceTier = null, ToolPriceList? tools = null) : ILlmCallLease
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

        decimal cost = answered is null ? 0m : CostOf(answered.ForServiceTier(serviceTier), call);
        ledger.Settle(reservation, cost);
        Rate?.Settle(call.Usage.InputTokens + call.Usage.OutputTokens);
        Cost = cost;
        call.SettledCost = cost;
    }

    private decimal CostOf(ModelPrice rates, LlmCall call)
    {
        var usage = call.Usage;
        if (tools is null || (call.Billing.ServerTools.Count == 0 && usage.ToolUses is null))
        {
            return rates.CostOf(usage, SearchContextSize(call.Billing));
        }

        // Web searches at the user's price for the tool, else the table's for the context size, else the default;
        // every other reported use at its kind's price.
        decimal cost = rates.CostOf(usage with { ServerToolUses = 0, ToolUses = null }, null);

        // Stryker disable once Equality : at zero searches the sum below adds zero times the price
        if (usage.ServerToolUses > 0)
        {
            string kind = WebSearchKind(call.Billing);
            decimal perSearch = tools.UserPrice(kind, call.Model) ?? rates.WebSearchPerQueryAt(SearchContextSize(call.Billing)) ?? tools.PerUse(kind, call.Model) ?? 0m;
            cost += usage.ServerToolUses * perSearch;
        }

        if (usage.ToolUses is { } uses)
        {
            foreach (var (kind, count) in uses)
            {
                decimal perUse = kind == ToolPriceList.CodeInterpreter ? ContainerPrice(tools, call) : tools.ReportedUse(kind, call.Model);
                cost += Math.Max(0, count) * perUse;
            }
        }

        return cost;
    }

    /// <summary>
    /// The price of one code interpreter container of the call: the dearest of its code interpreter tools' prices (the
    /// price of the memory limit each names; for an existing container's id, or a limit without a price, the dearest
    /// container), the dearest container when it declares none.
    /// </summary>
    private static decimal ContainerPrice(ToolPriceList tools, LlmCall call)
    {
        decimal? most = null;
        foreach (var tool in call.Billing.ServerTools)
        {
            if (ToolPriceList.Kind(tool.Type) == ToolPriceList.CodeInterpreter)
            {
                decimal? price = tools.ContainerPrice(tool, call.Model) ?? tools.MostPerUse(ToolPriceList.CodeInterpreter, call.Model);
                most = Math.Max(most ?? 0m, price ?? 0m);
            }
        }

        return most ?? tools.MostPerUse(ToolPriceList.CodeInterpreter, call.Model) ?? 0m;
    }

    /// <summary>The price kind of the call's web search tool (<c>web_search</c> when it declares none).</summary>
    private static string WebSearchKind(LlmBillingFactors billing)
    {
        foreach (var tool in billing.ServerTools)
        {
            string kind = ToolPriceList.Kind(tool.Type);
            if (ToolPriceList.IsWebSearch(kind))
            {
                return kind;
            }
        }

        return "web_search";
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
