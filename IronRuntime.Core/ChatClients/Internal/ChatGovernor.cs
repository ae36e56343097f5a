using IronRuntime.Budget;
using IronRuntime.Budget.RateLimits;
using IronRuntime.Internal;
using IronRuntime.Pricing;
using IronRuntime.Router;
using IronRuntime.State;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IronRuntime.ChatClients.Internal;

/// <summary>
/// The policy of the <c>UseIronRuntime()</c> middleware, on the runtime's own ledger, prices, state store, PII scanner
/// and breakers: reserves the worst case of a chat call before it is sent (atomically against every budget that applies,
/// made durable like the router's), and settles the actual cost when it ends.
/// </summary>
internal sealed class ChatGovernor(IBudgetLedger ledger, IModelPricing pricing, IOptions<RuntimeConfig> config, StateRestorer restorer, IRuntimeStateStore store,
    ChatPii pii, ChatBreakers breakers, Telemetry.ChatTelemetry telemetry, Agents.AgentMetricsCollector metrics, TimeProvider timeProvider,
    ILogger<ChatGovernor> logger, IRateLimits rates)
{
    private readonly IBudgetLedger _ledger = ledger;
    private readonly IModelPricing _pricing = pricing;
    private readonly RuntimeConfig _config = config.Value;
    private readonly StateRestorer _restorer = restorer;
    private readonly IRuntimeStateStore? _store = store is NullRuntimeStateStore ? null : store;
    private readonly IDurableReservations? _durable = store as IDurableReservations;
    private readonly TimeProvider _timeProvider = timeProvider;
    private readonly ILogger _logger = logger;
    private readonly Agents.AgentMetricsCollector _metrics = metrics;
    private readonly IRateLimits _rates = rates;

    public ChatPii Pii { get; } = pii;

    public ChatBreakers Breakers { get; } = breakers;

    public Telemetry.ChatTelemetry Telemetry { get; } = telemetry;

    public TimeProvider TimeProvider => _timeProvider;

    /// <summary>Reserves the worst case of the call.</summary>
    /// <exception cref="BudgetExceededException">It does not fit a budget.</exception>
    /// <exception cref="IronRuntimeCallRefusedException">The model has no price, or the prompt cannot be bounded, while a budget applies; or the reservation could not be made durable.</exception>
    public async ValueTask<ChatAdmission> AdmitAsync(string? agentId, string provider, string model, IList<ChatMessage> messages, ChatOptions? options, int? defaultMaxOutputTokens)
    {
        _restorer.EnsureRestored();
        long start = _timeProvider.GetTimestamp();
        bool hasLimit = _ledger.HasLimit(agentId);
        long? bound = ChatTokenBound.Of(messages, options, out string? unbounded);
        ModelPrice? price = PriceOf(provider, model);
        if (price is null)
        {
            if (hasLimit && _config.RejectUnpricedModels)
            {
                throw new IronRuntimeCallRefusedException(
                    $"IronRuntime has no price for model '{model}' of provider '{provider}', so it cannot hold the call to its budget. " +
                    "Add the model to the pricing map (AddPricingFile / OverridePrice) or set RejectUnpricedModels to false to track it in tokens only.",
                    400, BudgetGate.UnknownPriceType, "model_price_unknown");
            }

            var unpricedRate = _rates.IsActive
                ? await AdmitRateAsync(agentId, (bound ?? 0) + (options?.MaxOutputTokens ?? defaultMaxOutputTokens ?? _config.DefaultMaxOutputTokens)).ConfigureAwait(false)
                : null;
            var (_, free) = await ReserveAsync(agentId, 0m, 0m, 0, 0).ConfigureAwait(false);
            CoreLog.UnpricedModel(_logger, agentId, model);
            return await DurableAsync(new ChatAdmission
            {
                AgentId = agentId, Provider = provider, Model = model, Price = null, Reservation = free,
                InputTokenBound = bound ?? 0, ImposedMaxOutputTokens = null, StartTimestamp = start, Rate = unpricedRate,
            }).ConfigureAwait(false);
        }

        if (bound is null && hasLimit && _config.UnboundedCostAllowance is null)
        {
            throw new IronRuntimeCallRefusedException(
                $"IronRuntime cannot bound the prompt tokens of '{unbounded}' in this call, so it refuses it while a budget applies. " +
                "Send text only, or set UnboundedCostAllowance to admit such calls with that many US dollars reserved for them.",
                400, BudgetGate.UnboundedCostType, "unbounded_cost");
        }

        long input = bound ?? 0;
        var rates = price.ForPromptLength(input);
        decimal fixedCost = (input * Math.Max(rates.InputPerToken, rates.CacheWritePerToken ?? 0m)) + (bound is null ? _config.UnboundedCostAllowance ?? 0m : 0m);
        decimal outputUnit = Math.Max(rates.OutputPerToken, rates.ReasoningPerToken ?? 0m);
        long maxUnits, minUnits;
        if (options?.MaxOutputTokens is { } requested)
        {
            maxUnits = minUnits = Math.Max(0, requested);
        }
        else
        {
            maxUnits = defaultMaxOutputTokens ?? price.MaxOutputTokens ?? _config.DefaultMaxOutputTokens;
            minUnits = Math.Min(maxUnits, _config.MinimumImposedOutputTokens);
        }

        var rate = _rates.IsActive ? await AdmitRateAsync(agentId, input + maxUnits).ConfigureAwait(false) : null;
        bool reserved;
        BudgetReservation reservation;
        try
        {
            (reserved, reservation) = await ReserveAsync(agentId, fixedCost, outputUnit, minUnits, maxUnits).ConfigureAwait(false);
        }
        catch
        {
            rate?.Release();
            throw;
        }

        if (!reserved)
        {
            rate?.Release();
            decimal needed = fixedCost + (minUnits * outputUnit);
            Telemetry.BudgetDenied(agentId, provider, model);
            _metrics.Record(agentId, LlmCallOutcome.Denied, default, estimated: false);
            throw new BudgetExceededException(BudgetDenial.Message(_ledger, agentId, model, input, needed, minUnits))
            {
                AgentId = agentId,
                Model = model,
                Needed = needed,
                Remaining = BudgetDenial.Binding(_ledger, agentId).Binding.Remaining ?? 0m,
            };
        }

        rate?.Recount(input + reservation.OutputTokens);
        return await DurableAsync(new ChatAdmission
        {
            AgentId = agentId, Provider = provider, Model = model, Price = price, Reservation = reservation, InputTokenBound = input,
            ImposedMaxOutputTokens = hasLimit && options?.MaxOutputTokens is null ? reservation.OutputTokens : null, StartTimestamp = start,
            Rate = rate,
        }).ConfigureAwait(false);
    }

    /// <summary>Counts the call against the rate limits before any money is reserved.</summary>
    /// <exception cref="RateLimitExceededException">A limit is reached.</exception>
    private async ValueTask<RateTicket> AdmitRateAsync(string? agentId, long tokens)
    {
        RateAdmission admission;
        try
        {
            admission = await _rates.AdmitAsync(agentId, tokens).ConfigureAwait(false);
        }
        catch (BudgetUnavailableException ex)
        {
            throw new IronRuntimeCallRefusedException(
                "IronRuntime cannot reach the shared budget ledger, so it cannot hold this call to its rate limits; the call was not sent and nothing was charged. Retry later.",
                503, BudgetGate.BudgetUnavailableType, "budget_unavailable", ex);
        }

        if (admission.Ticket is { } ticket)
        {
            return ticket;
        }

        var refusal = admission.Refusal!;
        throw new RateLimitExceededException(refusal.Message, refusal.Limit) { RetryAfter = refusal.RetryAfter, AgentId = refusal.AgentId };
    }

    /// <summary>
    /// Reserves through the ledger's asynchronous path when it has one (a shared ledger over the network, as the
    /// router's gate does), else in line. A shared ledger that cannot be reached refuses the call (fail closed).
    /// </summary>
    private async ValueTask<(bool Reserved, BudgetReservation Reservation)> ReserveAsync(string? agentId, decimal fixedCost, decimal unitCost, long minUnits, long maxUnits)
    {
        if (_ledger is not IAsyncBudgetLedger shared)
        {
            bool reserved = _ledger.TryReserve(agentId, fixedCost, unitCost, minUnits, maxUnits, out var reservation);
            return (reserved, reservation);
        }

        try
        {
            return await shared.TryReserveAsync(agentId, fixedCost, unitCost, minUnits, maxUnits).ConfigureAwait(false);
        }
        catch (BudgetUnavailableException ex)
        {
            throw new IronRuntimeCallRefusedException(
                "IronRuntime cannot reach the shared budget ledger, so it cannot hold this call to its budget; the call was not sent and nothing was charged. Retry later.",
                503, BudgetGate.BudgetUnavailableType, "budget_unavailable", ex);
        }
    }

    /// <summary>
    /// Settles the call at <paramref name="usage"/> (once; later calls do nothing), records it in the state store and
    /// telemetry, and returns its cost.
    /// </summary>
    public decimal Settle(ChatAdmission admission, TokenUsage usage, bool estimated, LlmCallOutcome outcome, string? responseModel = null, string? errorType = null)
    {
        if (!admission.TryMarkSettled())
        {
            return admission.Cost ?? 0m;
        }

        decimal cost = admission.Price?.CostOf(usage) ?? 0m;
        _ledger.Settle(admission.Reservation, cost);
        admission.Rate?.Settle(usage.InputTokens + usage.OutputTokens);
        admission.Cost = cost;
        TimeSpan duration = _timeProvider.GetElapsedTime(admission.StartTimestamp);
        if (_store is not null)
        {
            var record = new CallRecord(_timeProvider.GetUtcNow(), admission.AgentId, ProviderOf(admission.Provider), admission.Model, outcome,
                outcome == LlmCallOutcome.Succeeded ? 200 : 0, usage, cost, duration.TotalMilliseconds)
            {
                Estimated = estimated,
            };
            if (_durable is not null && admission.DurableId > 0)
            {
                _durable.Settle(admission.DurableId, record);
            }
            else
            {
                _store.Append(record);
            }
        }

        Telemetry.CallEnded(admission, usage, estimated, cost, duration, responseModel, errorType);
        _metrics.Record(admission.AgentId, outcome, usage, estimated);
        return cost;
    }

    /// <summary>The usage M.E.AI reports, normalised (input includes cached, output includes reasoning, as both define them).</summary>
    public static TokenUsage UsageOf(UsageDetails usage) => new(
        InputTokens: usage.InputTokenCount ?? 0,
        OutputTokens: usage.OutputTokenCount ?? 0,
        CachedInputTokens: usage.CachedInputTokenCount ?? 0,
        ReasoningTokens: usage.ReasoningTokenCount ?? 0);

    /// <summary>
    /// The honest estimate of a call whose usage never came: the prompt at its upper bound, the output at the UTF-8
    /// bytes received (an upper bound of their tokens) but no more than the output reserved.
    /// </summary>
    public static TokenUsage Estimate(ChatAdmission admission, long outputBytes) =>
        new(admission.InputTokenBound, Math.Min(outputBytes, Math.Max(admission.Reservation.OutputTokens, 0)));

    /// <summary>The price of <paramref name="model"/>: <c>provider/model</c> first (LiteLLM's keys), then the model alone.</summary>
    private ModelPrice? PriceOf(string provider, string model)
    {
        string? prefix = PricingPrefix(provider);
        if (prefix is not null && !model.Contains('/', StringComparison.Ordinal) && _pricing.TryGetPrice(prefix + "/" + model, out var prefixed))
        {
            return prefixed;
        }

        return _pricing.TryGetPrice(model, out var price) ? price : null;
    }

    /// <summary>The pricing map's provider prefix for an M.E.AI / OpenTelemetry provider name.</summary>
    private static string? PricingPrefix(string provider) => provider.ToLowerInvariant() switch
    {
        "openai" or "anthropic" or "unknown" or "" => null,
        "gcp.gemini" or "gcp.gen_ai" or "google" or "gemini" => "gemini",
        "gcp.vertex_ai" => "vertex_ai",
        "azure.ai.inference" or "az.ai.inference" => "azure_ai",
        "azure.ai.openai" or "az.ai.openai" => "azure",
        "aws.bedrock" => "bedrock",
        var other => other,
    };

    private static LlmProvider ProviderOf(string provider) => provider.ToLowerInvariant() switch
    {
        "openai" => LlmProvider.OpenAI,
        "anthropic" => LlmProvider.Anthropic,
        _ => LlmProvider.Unknown,
    };

    private async ValueTask<ChatAdmission> DurableAsync(ChatAdmission admission)
    {
        if (_durable is null)
        {
            return admission;
        }

        try
        {
            admission.DurableId = await _durable.ReserveAsync(admission.AgentId, admission.Model, admission.Reservation.Amount).ConfigureAwait(false);
            return admission;
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or ObjectDisposedException or IOException)
        {
            CoreLog.DurableReservationFailed(_logger, ex);
            admission.TryMarkSettled();
            _ledger.Settle(admission.Reservation, 0m);
            admission.Rate?.Release();
            throw new IronRuntimeCallRefusedException(
                "IronRuntime could not record this call's reservation durably, so it was not sent (nothing was charged). Retry later.",
                503, BudgetGate.StateUnavailableType, "state_unavailable", ex);
        }
    }
}
