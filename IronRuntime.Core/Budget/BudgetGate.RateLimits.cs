using IronRuntime.Budget.RateLimits;
using IronRuntime.Router;

namespace IronRuntime.Budget;

internal sealed partial class BudgetGate
{
    /// <summary>
    /// Counts the call against the rate limits (only when one is configured: the caller checks
    /// <see cref="IRateLimits.IsActive"/>) for one request and its input bound plus <paramref name="outputTokens"/> times
    /// its choices. A refusal is the 429 decision; nothing is reserved then.
    /// </summary>
    private async ValueTask<(RateTicket? Ticket, LlmGateDecision Refusal)> AdmitRateAsync(LlmCall call, long outputTokens)
    {
        var admission = await _rates.AdmitAsync(call.CallerId, RateTokens(call, outputTokens)).ConfigureAwait(false);
        if (admission.Ticket is { } ticket)
        {
            return (ticket, default);
        }

        var refusal = admission.Refusal!;
        return (null, LlmGateDecision.RateLimited(refusal.Limit, refusal.Message, refusal.RetryAfter));
    }

    /// <summary>Reserves; when the ledger cannot be reached (503) the call's rate is given back first. No state machine without rate limits.</summary>
    private ValueTask<(bool Reserved, BudgetReservation Reservation)> ReserveAsync(RateTicket? rate, string? agentId, decimal fixedCost, decimal unitCost, long minUnits, long maxUnits)
        => rate is null ? ReserveAsync(agentId, fixedCost, unitCost, minUnits, maxUnits) : ReserveReleasingRateAsync(rate, agentId, fixedCost, unitCost, minUnits, maxUnits);

    private async ValueTask<(bool Reserved, BudgetReservation Reservation)> ReserveReleasingRateAsync(RateTicket rate, string? agentId, decimal fixedCost, decimal unitCost, long minUnits, long maxUnits)
    {
        try
        {
            return await ReserveAsync(agentId, fixedCost, unitCost, minUnits, maxUnits).ConfigureAwait(false);
        }
        catch (BudgetUnavailableException)
        {
            rate.Release();
            throw;
        }
    }

    /// <summary>The tokens a call counts against a tokens-per-minute limit: its input bound plus its output limit times its choices.</summary>
    private static long RateTokens(LlmCall call, long outputTokens) => call.InputTokenBound + (outputTokens * call.Billing.Choices);

    /// <summary>Attaches the call's rate ticket to its lease, counting the output limit the reservation settled on.</summary>
    private static BudgetLease WithRate(BudgetLease lease, LlmCall call, RateTicket? rate, long outputTokens)
    {
        if (rate is not null)
        {
            rate.Recount(RateTokens(call, outputTokens));
            lease.Rate = rate;
        }

        return lease;
    }
}
