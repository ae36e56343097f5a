using IronRuntime.Budget;
using IronRuntime.Pricing;
using IronRuntime.Router;

namespace IronRuntime.State;

/// <summary>
/// Hands every completed call to the state store (<see cref="IRuntimeStateStore"/> from DI: the SQLite store when
/// <see cref="StateOptions.DatabasePath"/> is set, a user registration, or nothing). A call whose reservation was made
/// durable is recorded in its place.
/// </summary>
internal sealed class StateRecorder : ILlmCallObserver
{
    private readonly IModelPricing _pricing;
    private readonly TimeProvider _timeProvider;
    private readonly IDurableReservations? _durable;

    public StateRecorder(IRuntimeStateStore store, IModelPricing pricing, TimeProvider timeProvider)
    {
        _pricing = pricing;
        _timeProvider = timeProvider;
        Store = store is NullRuntimeStateStore ? null : store;
        _durable = store as IDurableReservations;
    }

    /// <summary>The store in use, or null when state is kept in memory only.</summary>
    public IRuntimeStateStore? Store { get; }

    public void OnCallCompleted(LlmCall call)
    {
        if (Store is null)
        {
            return;
        }

        decimal cost = CallCost.Of(call, _pricing);
        var record = new CallRecord(_timeProvider.GetUtcNow(), call.CallerId, call.Provider, call.Model, call.Outcome,
            call.StatusCode, call.Usage, cost, call.Duration.TotalMilliseconds)
        {
            Estimated = call.UsageEstimated,
        };
        if (_durable is not null && call.Lease is BudgetLease { DurableId: > 0 and var id })
        {
            _durable.Settle(id, record);
        }
        else
        {
            Store.Append(record);
        }
    }
}
