using IronRuntime.Pricing;
using IronRuntime.Pricing.Internal;
using IronRuntime.Router;

namespace IronRuntime.Budget;

internal sealed partial class BudgetGate
{
    /// <summary>
    /// The dearest rate any prompt token and any output token of the call can be billed at: the service tier's
    /// prices, long-context prices when the prompt bound passes the threshold, cache writes (one-hour ones when the
    /// request asks for them), audio; the output rate times the number of choices.
    /// </summary>
    private static (decimal Input, decimal Output) Rates(ModelPrice price, LlmCall call, string? tier)
    {
        var billing = call.Billing;
        var p = price.ForServiceTier(tier).ForPromptLength(call.InputTokenBound);
        decimal input = Math.Max(p.InputPerToken, p.CacheWritePerToken ?? 0m);
        if (billing.UsesOneHourCache)
        {
            input = Math.Max(input, p.CacheWriteOneHourPerToken ?? 0m);
        }

        if (billing.HasAudioInput)
        {
            input = Math.Max(input, p.InputAudioPerToken ?? 0m);
        }

        decimal output = Math.Max(p.OutputPerToken, p.ReasoningPerToken ?? 0m);
        if (billing.RequestsAudioOutput)
        {
            output = Math.Max(output, p.OutputAudioPerToken ?? 0m);
        }

        return (input, output * billing.Choices);
    }

    /// <summary>The service tier the call is billed at: the one it asks for, else the project default.</summary>
    private string? ServiceTier(LlmBillingFactors billing)
        => billing.ServiceTier is "priority" or "flex" ? billing.ServiceTier : _config.DefaultServiceTier;

    /// <summary>
    /// Per-use fees of the server tools the call may run: each tool's use limit (once for a tool charged per call)
    /// times the most one use can cost; a tool without a use limit adds nothing here (the allowance covers it).
    /// </summary>
    private decimal ServerToolCost(ModelPrice price, LlmCall call)
    {
        var billing = call.Billing;
        decimal cost = 0m;
        foreach (var tool in billing.ServerTools)
        {
            string kind = ToolPriceList.Kind(tool.Type);
            long uses = ToolPriceList.ChargedPerCall(kind) ? 1 : UseLimit(tool, billing) ?? 0;
            cost += uses * (PerUseBound(tool, kind, price, call.Model) ?? 0m);
        }

        return cost;
    }

    /// <summary>The most one use of a tool costs: a code interpreter container at the price of its memory limit, else <see cref="MostPerUse"/>.</summary>
    private decimal? PerUseBound(LlmServerTool tool, string kind, ModelPrice price, string model)
        => kind == ToolPriceList.CodeInterpreter ? _tools.ContainerPrice(tool, model) : MostPerUse(kind, price, model);

    /// <summary>The most one use of a tool kind costs: web search at the user's price, else the table's dearest, else the default.</summary>
    private decimal? MostPerUse(string kind, ModelPrice price, string model)
        => ToolPriceList.IsWebSearch(kind)
            ? _tools.UserPrice(kind, model) ?? price.WebSearchPerQuery ?? _tools.PerUse(kind, model)
            : _tools.MostPerUse(kind, model);

    /// <summary>The first server tool of the call whose use has no known price, with the kind; null when all are priced.</summary>
    private (string Param, string Kind)? UnpricedTool(ModelPrice price, LlmCall call)
    {
        foreach (var tool in call.Billing.ServerTools)
        {
            string kind = ToolPriceList.Kind(tool.Type);
            if (PerUseBound(tool, kind, price, call.Model) is null)
            {
                // A code interpreter's memory limit without a price (its kind's own price is always there).
                return kind == ToolPriceList.CodeInterpreter && tool.ContainerMemoryLimit is { } limit
                    ? (tool.Param + ".container.memory_limit", string.Concat(kind, ".", limit))
                    : (tool.Param, kind);
            }
        }

        return null;
    }

    private static long? UseLimit(LlmServerTool tool, LlmBillingFactors billing)
        => tool.MaxUses is { } own ? Math.Min(own, billing.MaxToolCalls ?? own) : billing.MaxToolCalls;

    /// <summary>The first member whose cost nothing in the request bounds, with why; null when every one is bounded.</summary>
    private static (string Param, string Why)? UnboundedMember(LlmBillingFactors billing)
    {
        foreach (string member in billing.UnboundedMembers)
        {
            return (member, "it brings in content or work from outside the request");
        }

        foreach (var tool in billing.ServerTools)
        {
            return UseLimit(tool, billing) is null
                ? (tool.MaxUses is null && tool.Param.StartsWith("tools", StringComparison.Ordinal) ? tool.Param + ".max_uses" : tool.Param,
                    $"the provider runs the '{tool.Type}' tool with no use limit, and bills each use and its results")
                : (tool.Param, $"the provider runs the '{tool.Type}' tool and adds its results to the prompt");
        }

        return null;
    }
}
