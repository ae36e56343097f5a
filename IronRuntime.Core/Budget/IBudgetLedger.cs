namespace IronRuntime.Budget;

/// <summary>
/// Where spend is held and recorded: a global account and one account per agent, each with an optional limit.
/// Reservations are atomic across every account that applies, so concurrent calls can never overspend.
/// </summary>
/// <remarks>The default is in memory; a shared store lets several runtime instances share one budget.</remarks>
public interface IBudgetLedger
{
    /// <summary>
    /// Reserves <c>fixedCost + units * unitCost</c> against the global account and the agent's account, choosing
    /// the largest <c>units</c> in [<paramref name="minUnits"/>, <paramref name="maxUnits"/>] that every limit affords.
    /// </summary>
    /// <param name="agentId">The agent, or null for an unattributed call.</param>
    /// <param name="fixedCost">The part of the worst case that does not depend on the output (the prompt).</param>
    /// <param name="unitCost">The worst-case price of one output token.</param>
    /// <param name="minUnits">The fewest output tokens that make the call worthwhile.</param>
    /// <param name="maxUnits">The most output tokens the call may produce.</param>
    /// <param name="reservation">The reservation made.</param>
    /// <returns>True when reserved; false when no limit affords <paramref name="minUnits"/>.</returns>
    bool TryReserve(string? agentId, decimal fixedCost, decimal unitCost, long minUnits, long maxUnits, out BudgetReservation reservation);

    /// <summary>Releases a reservation and records the actual cost instead.</summary>
    /// <param name="reservation">What was reserved.</param>
    /// <param name="actualCost">What the call really cost (may be zero).</param>
    void Settle(in BudgetReservation reservation, decimal actualCost);

    /// <summary>
    /// Charges spend that needs no reservation — spend recorded by an earlier run, restored at start-up — to the
    /// agent's account (when given) and the global one. Alerts fire as for a settled call.
    /// </summary>
    /// <param name="agentId">The agent, or null to charge the global account only.</param>
    /// <param name="amount">The amount in USD (not negative).</param>
    void Charge(string? agentId, decimal amount);

    /// <summary>Sets or clears (null) a limit: the global one when <paramref name="agentId"/> is null.</summary>
    /// <param name="agentId">The agent, or null for the global account.</param>
    /// <param name="limit">The limit in USD, or null for none.</param>
    void SetLimit(string? agentId, decimal? limit);

    /// <summary>The state of an account: the global one when <paramref name="agentId"/> is null.</summary>
    /// <param name="agentId">The agent, or null for the global account.</param>
    /// <returns>Its state.</returns>
    BudgetSnapshot GetSnapshot(string? agentId);

    /// <summary>Whether any limit applies to calls of <paramref name="agentId"/>.</summary>
    /// <param name="agentId">The agent, or null.</param>
    /// <returns>True when a global or agent limit is set.</returns>
    bool HasLimit(string? agentId);

    /// <summary>Raised (outside any lock) when an account's spend first crosses an alert threshold.</summary>
    event EventHandler<BudgetAlert>? ThresholdCrossed;
}
