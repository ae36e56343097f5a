using IronRuntime.Pricing;
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

    /// <summary>Per-use fees of web searches the call may run: each search tool's use limit times the price per search.</summary>
    private static decimal ServerToolCost(ModelPrice price, LlmBillingFactors billing)
    {
        decimal cost = 0m;
        foreach (var tool in billing.ServerTools)
        {
            long uses = UseLimit(tool, billing) ?? 0;
            cost += uses * (price.WebSearchPerQuery ?? 0m);
        }

        return cost;
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
