using System.Globalization;

namespace IronRuntime.Budget;

/// <summary>The text and facts of a budget denial, the same for the router's 402 body and the chat middleware's exception.</summary>
internal static class BudgetDenial
{
    /// <summary>The binding account (the agent's when it has less left than the global one), its name and what it has left.</summary>
    public static (BudgetSnapshot Binding, string Who) Binding(IBudgetLedger ledger, string? agentId)
    {
        var global = ledger.GetSnapshot(null);
        var agent = agentId is null ? default : ledger.GetSnapshot(agentId);
        return Binding(global, agent, agentId);
    }

    /// <summary>The binding account among snapshots already read (the agent's when it has less left than the global one).</summary>
    public static (BudgetSnapshot Binding, string Who) Binding(BudgetSnapshot global, BudgetSnapshot agent, string? agentId)
    {
        bool agentBound = agentId is not null && agent.Limit is not null
                          && (global.Limit is null || agent.Remaining <= global.Remaining);
        return agentBound ? (agent, $"agent '{agentId}'") : (global, "the global budget");
    }

    /// <summary>The denial message: who, spent of limit, held, what the call needs and why.</summary>
    public static string Message(IBudgetLedger ledger, string? agentId, string model, long inputTokenBound, decimal needed, long outputTokens)
        => Message(Binding(ledger, agentId), model, inputTokenBound, needed, outputTokens);

    /// <summary>The denial message for a binding account already chosen.</summary>
    public static string Message((BudgetSnapshot Binding, string Who) bound, string model, long inputTokenBound, decimal needed, long outputTokens)
    {
        var (binding, who) = bound;
        return string.Create(CultureInfo.InvariantCulture,
            $"IronRuntime budget exceeded for {who}: spent ${binding.Spent:0.######} of the ${binding.Limit:0.######} limit " +
            $"(${binding.Reserved:0.######} held by calls in flight); this call to '{model}' needs up to ${needed:0.######} " +
            $"({inputTokenBound} input tokens at most, {outputTokens} output tokens).");
    }
}
