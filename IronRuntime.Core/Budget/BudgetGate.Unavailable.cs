using System.Net;
using IronRuntime.Router;

namespace IronRuntime.Budget;

internal sealed partial class BudgetGate
{
    /// <summary>Error type of a call refused because the shared budget ledger (Redis) cannot be reached.</summary>
    public const string BudgetUnavailableType = "iron_runtime_budget_unavailable";

    /// <summary>The <c>Retry-After</c> of that 503: the ledger's client reconnects in the background meanwhile.</summary>
    private static readonly TimeSpan UnavailableRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Enters the call; when the ledger cannot be reached (a shared ledger that fails closed) the call is refused with
    /// 503 and nothing is reserved or charged.
    /// </summary>
    /// <remarks>
    /// A decision made in memory (the in-memory ledger) is handed back as it is, without a second state machine copying
    /// the decision; one still pending, or failed, is awaited by <see cref="AwaitDecisionAsync"/>.
    /// </remarks>
    public ValueTask<LlmGateDecision> EnterAsync(LlmCall call, CancellationToken cancellationToken)
    {
        var entering = EnterCoreAsync(call);
        // Stryker disable once Conditional : awaiting a decision already made gives the same decision (only a state machine more); the (true) twin is killed by the 503 tests.
        return entering.IsCompletedSuccessfully ? entering : AwaitDecisionAsync(entering);
    }

    private static async ValueTask<LlmGateDecision> AwaitDecisionAsync(ValueTask<LlmGateDecision> entering)
    {
        try
        {
            return await entering.ConfigureAwait(false);
        }
        catch (BudgetUnavailableException)
        {
            return LlmGateDecision.Deny(HttpStatusCode.ServiceUnavailable, BudgetUnavailableType, "budget_unavailable",
                "IronRuntime cannot reach the shared budget ledger, so it cannot hold this call to its budget; the call was not sent and nothing was charged. Retry after 1 s.")
                .WithRetryAfter(UnavailableRetryAfter);
        }
    }

    /// <summary>Reserves through the ledger's asynchronous path when it has one (a ledger over the network), else in line.</summary>
    private ValueTask<(bool Reserved, BudgetReservation Reservation)> ReserveAsync(string? agentId, decimal fixedCost, decimal unitCost, long minUnits, long maxUnits)
    {
        if (_ledger is IAsyncBudgetLedger shared)
        {
            return shared.TryReserveAsync(agentId, fixedCost, unitCost, minUnits, maxUnits);
        }

        bool reserved = _ledger.TryReserve(agentId, fixedCost, unitCost, minUnits, maxUnits, out var reservation);
        return ValueTask.FromResult((reserved, reservation));
    }

    /// <summary>The global account and the agent's (default when none), for a denial's message.</summary>
    private async ValueTask<(BudgetSnapshot Global, BudgetSnapshot Agent)> SnapshotsAsync(string? agentId)
    {
        if (_ledger is IAsyncBudgetLedger shared)
        {
            // Stryker disable once Conditional : an unattributed call's agent snapshot is never read (BudgetDenial.Binding needs an agent id); the Equality twin stays.
            return (await shared.GetSnapshotAsync(null).ConfigureAwait(false),
                agentId is null ? default : await shared.GetSnapshotAsync(agentId).ConfigureAwait(false));
        }

        // Stryker disable once Conditional : as above.
        return (_ledger.GetSnapshot(null), agentId is null ? default : _ledger.GetSnapshot(agentId));
    }
}
