using System.Globalization;
using System.Net;
using IronRuntime.Budget.RateLimits;
using IronRuntime.Internal;
using IronRuntime.Pricing;
using IronRuntime.Pricing.Internal;
using IronRuntime.Router;
using IronRuntime.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IronRuntime.Budget;

/// <summary>
/// The router's request gate for money: prices the worst case of a call, reserves it against every budget that
/// applies in one atomic step (or answers 402), and settles the actual cost when the call ends.
/// </summary>
/// <remarks>
/// A call that may fail over (<see cref="LlmCall.FallbackModels"/>) is reserved once, at the dearest rates and the
/// largest output limit among its models, and held across retries and failovers: the call can never be left without
/// cover halfway, and the ledger needs no second step. It is settled at the price of the model that answered
/// (<see cref="LlmCall.Model"/> when the call ends).
/// </remarks>
internal sealed partial class BudgetGate : ILlmRequestGate
{
    /// <summary>Error type of a budget denial.</summary>
    public const string BudgetExceededType = "iron_runtime_budget_exceeded";

    /// <summary>Error code of a budget denial.</summary>
    public const string BudgetExceededCode = "budget_exceeded";

    /// <summary>Error type of a call refused because a member of it can raise the cost without a bound.</summary>
    public const string UnboundedCostType = "iron_runtime_unbounded_cost";

    /// <summary>Error type of a call refused because its model has no known price.</summary>
    public const string UnknownPriceType = "iron_runtime_unknown_model_price";

    /// <summary>Error type of a call refused because its reservation could not be made durable.</summary>
    public const string StateUnavailableType = "iron_runtime_state_unavailable";

    private readonly IBudgetLedger _ledger;
    private readonly IModelPricing _pricing;
    private readonly RuntimeConfig _config;
    private readonly ILogger<BudgetGate> _logger;
    private readonly StateRestorer _restorer;
    private readonly IDurableReservations? _durable;
    private readonly ToolPriceList _tools;
    private readonly IRateLimits _rates;

    public BudgetGate(IBudgetLedger ledger, IModelPricing pricing, IOptions<RuntimeConfig> config, ILogger<BudgetGate> logger,
        StateRestorer restorer, IRuntimeStateStore store, IRateLimits rates)
    {
        _rates = rates;
        _ledger = ledger;
        _pricing = pricing;
        _config = config.Value;
        _logger = logger;
        _restorer = restorer;
        _durable = store as IDurableReservations;
        _tools = new ToolPriceList(_config.Pricing.ToolPrices);
    }

    private async ValueTask<LlmGateDecision> EnterCoreAsync(LlmCall call)
    {
        _restorer.EnsureRestored();
        string? agentId = call.CallerId;
        bool hasLimit = _ledger.HasLimit(agentId);
        if (!_pricing.TryGetPrice(call.Model, out var price))
        {
            if (hasLimit && _config.RejectUnpricedModels)
            {
                return LlmGateDecision.Deny(HttpStatusCode.BadRequest, UnknownPriceType, "model_price_unknown",
                    $"IronRuntime has no price for model '{call.Model}', so it cannot hold the call to its budget. " +
                    "Add the model to the pricing map (AddPricingFile / OverridePrice) or set RejectUnpricedModels to false to track it in tokens only.");
            }

            // Tracked in tokens only.
            long outputBound = call.Api == LlmApi.Embeddings ? 0 : call.RequestedMaxOutputTokens ?? _config.DefaultMaxOutputTokens;
            RateTicket? unpricedRate = null;
            if (_rates.IsActive)
            {
                (unpricedRate, var refused) = await AdmitRateAsync(call, outputBound).ConfigureAwait(false);
                if (unpricedRate is null)
                {
                    return refused;
                }
            }

            var (_, free) = await ReserveAsync(agentId, 0m, 0m, 0, 0).ConfigureAwait(false);
            CoreLog.UnpricedModel(_logger, agentId, call.Model);
            return await Admit(call, free, null, null, rate: unpricedRate, rateOutput: outputBound).ConfigureAwait(false);
        }

        var billing = call.Billing;

        // Stryker disable once Equality : the count only spares the loop's enumerator; with no tool, UnpricedTool finds none either.
        if (hasLimit && billing.ServerTools.Count > 0 && UnpricedTool(price, call) is { } unpriced)
        {
            return LlmGateDecision.Deny(HttpStatusCode.BadRequest, UnboundedCostType, "unbounded_cost",
                $"IronRuntime has no per-use price for the '{unpriced.Kind}' tool at '{unpriced.Param}', so it cannot hold the call to its budget and refuses it while a budget applies. " +
                $"Remove the tool, or set its price (Pricing:ToolPrices:{unpriced.Kind}, US dollars per use).", unpriced.Param);
        }

        if (hasLimit && UnboundedMember(billing) is { } unbounded && _config.UnboundedCostAllowance is null)
        {
            return LlmGateDecision.Deny(HttpStatusCode.BadRequest, UnboundedCostType, "unbounded_cost",
                $"IronRuntime cannot bound what '{unbounded.Param}' can add to the cost of this call ({unbounded.Why}), so it refuses it while a budget applies. " +
                "Remove the member, or set UnboundedCostAllowance to admit such calls with that many US dollars reserved for it.", unbounded.Param);
        }

        string? tier = ServiceTier(billing);
        var (fixedCost, outputUnit, minUnits, maxUnits) = WorstCase(price, call, tier);
        RateTicket? rate = null;
        if (_rates.IsActive)
        {
            // Before any money: a call refused for rate reserves nothing; one refused for money gives its rate back.
            (rate, var refused) = await AdmitRateAsync(call, maxUnits).ConfigureAwait(false);
            if (rate is null)
            {
                return refused;
            }
        }

        var (reserved, reservation) = await ReserveAsync(rate, agentId, fixedCost, outputUnit, minUnits, maxUnits).ConfigureAwait(false);
        if (!reserved)
        {
            // The byte bound of the prompt does not fit: count its tokens (OpenAI models) and try once more.
            bool fits = false;
            if (call.TryTightenInputTokenBound())
            {
                (fixedCost, outputUnit, minUnits, maxUnits) = WorstCase(price, call, tier);
                (fits, reservation) = await ReserveAsync(rate, agentId, fixedCost, outputUnit, minUnits, maxUnits).ConfigureAwait(false);
            }

            if (!fits)
            {
                rate?.Release();
                var (global, agent) = await SnapshotsAsync(agentId).ConfigureAwait(false);
                string message = DenialMessage(agentId, call, fixedCost + (minUnits * outputUnit), minUnits, global, agent);
                return LlmGateDecision.Deny(HttpStatusCode.PaymentRequired, BudgetExceededType, BudgetExceededCode, message);
            }
        }

        long? imposed = hasLimit && call.RequestedMaxOutputTokens is null && call.Api != LlmApi.Embeddings ? reservation.OutputTokens : null;
        return await Admit(call, reservation, price, imposed, tier, rate, reservation.OutputTokens).ConfigureAwait(false);
    }

    /// <summary>
    /// The worst case of the call at its current input bound: the fixed part (prompt at the dearest input rate,
    /// per-use tool fees, the allowance for unbounded members), the dearest output rate (times the choices) and the
    /// output limits to reserve (requested, or the range the ledger may impose from).
    /// </summary>
    private (decimal Fixed, decimal OutputUnit, long MinUnits, long MaxUnits) WorstCase(ModelPrice price, LlmCall call, string? tier)
    {
        var billing = call.Billing;
        var (inputUnit, outputUnit) = Rates(price, call, tier);
        long? modelMaxOutput = price.MaxOutputTokens;
        foreach (string fallback in call.FallbackModels)
        {
            // A fallback without a price is settled at the call's own price (see BudgetLease).
            if (_pricing.TryGetPrice(fallback, out var other))
            {
                var (otherInput, otherOutput) = Rates(other, call, tier);
                inputUnit = Math.Max(inputUnit, otherInput);
                outputUnit = Math.Max(outputUnit, otherOutput);
                if (other.MaxOutputTokens is { } otherMax)
                {
                    modelMaxOutput = Math.Max(modelMaxOutput ?? 0, otherMax);
                }
            }
        }

        decimal fixedCost = (call.InputTokenBound * inputUnit) + ServerToolCost(price, call);
        if (billing.UnboundedMembers.Count > 0 || billing.ServerTools.Count > 0)
        {
            fixedCost += _config.UnboundedCostAllowance ?? 0m;
        }

        long maxUnits, minUnits;
        if (call.Api == LlmApi.Embeddings)
        {
            maxUnits = minUnits = 0;
        }
        else if (call.RequestedMaxOutputTokens is { } requested)
        {
            // Anthropic's thinking budget may exceed max_tokens with interleaved thinking: the larger bounds both.
            maxUnits = minUnits = Math.Max(requested, billing.ThinkingBudgetTokens ?? 0);
        }
        else
        {
            maxUnits = Math.Max(modelMaxOutput ?? _config.DefaultMaxOutputTokens, billing.ThinkingBudgetTokens ?? 0);
            minUnits = Math.Min(maxUnits, Math.Max(_config.MinimumImposedOutputTokens, billing.ThinkingBudgetTokens ?? 0));
        }

        return (fixedCost, outputUnit, minUnits, maxUnits);
    }

    /// <summary>Admits the call; with a durable store, only once its reservation is committed (group commit).</summary>
    private ValueTask<LlmGateDecision> Admit(LlmCall call, BudgetReservation reservation, ModelPrice? price, long? imposed, string? tier = null,
        RateTicket? rate = null, long rateOutput = 0)
    {
        if (_durable is null)
        {
            return ValueTask.FromResult(LlmGateDecision.Allow(WithRate(new BudgetLease(_ledger, reservation, price, call.Model, _pricing, tier, _tools), call, rate, rateOutput), imposed));
        }

        return AdmitDurablyAsync(call, reservation, price, imposed, tier, rate, rateOutput);
    }

    private async ValueTask<LlmGateDecision> AdmitDurablyAsync(LlmCall call, BudgetReservation reservation, ModelPrice? price, long? imposed, string? tier,
        RateTicket? rate, long rateOutput)
    {
        long id;
        try
        {
            // Not cancellable: once queued the reservation is committed anyway, and the lease's settlement replaces it.
            id = await _durable!.ReserveAsync(call.CallerId, call.Model, reservation.Amount).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Whatever failed (SQLite, the disk, a writer batch that failed for another reason), the reservation is not
            // durable: the call is not sent.
            CoreLog.DurableReservationFailed(_logger, ex);
            _ledger.Settle(reservation, 0m);
            rate?.Release();
            return LlmGateDecision.Deny(HttpStatusCode.ServiceUnavailable, StateUnavailableType, "state_unavailable",
                "IronRuntime could not record this call's reservation durably, so it was not sent (nothing was charged). Retry later.");
        }

        return LlmGateDecision.Allow(WithRate(new BudgetLease(_ledger, reservation, price, call.Model, _pricing, tier, _tools) { DurableId = id }, call, rate, rateOutput), imposed);
    }

    private static string DenialMessage(string? agentId, LlmCall call, decimal needed, long outputTokens, BudgetSnapshot global, BudgetSnapshot agent)
        => BudgetDenial.Message(BudgetDenial.Binding(global, agent, agentId), call.Model, call.InputTokenBound, needed, outputTokens);
}
