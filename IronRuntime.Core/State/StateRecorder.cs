using IronRuntime.Pricing;
using IronRuntime.Router;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IronRuntime.State;

/// <summary>
/// Hands every completed call to the state store: a user-registered <see cref="IRuntimeStateStore"/>, or the SQLite
/// store when <see cref="StateOptions.DatabasePath"/> is set. Without either, state stays in memory.
/// </summary>
internal sealed class StateRecorder : ILlmCallObserver, IAsyncDisposable
{
    private readonly IModelPricing _pricing;
    private readonly TimeProvider _timeProvider;
    private readonly SqliteRuntimeStateStore? _owned;

    public StateRecorder(IServiceProvider services, IOptions<RuntimeConfig> config, IModelPricing pricing, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        _pricing = pricing;
        _timeProvider = timeProvider;
        Store = services.GetService<IRuntimeStateStore>();
        if (Store is null && config.Value.State.DatabasePath is { } path)
        {
            Store = _owned = new SqliteRuntimeStateStore(path, config.Value.State.QueueCapacity, loggerFactory.CreateLogger<SqliteRuntimeStateStore>());
        }
    }

    /// <summary>The store in use, or null when state is kept in memory only.</summary>
    public IRuntimeStateStore? Store { get; }

    public void OnCallCompleted(LlmCall call)
    {
        if (Store is null)
        {
            return;
        }

        decimal cost = Budget.CallCost.Of(call, _pricing);
        Store.Append(new CallRecord(_timeProvider.GetUtcNow(), call.CallerId, call.Provider, call.Model, call.Outcome,
            call.StatusCode, call.Usage, cost, call.Duration.TotalMilliseconds));
    }

    public ValueTask DisposeAsync() => _owned?.DisposeAsync() ?? ValueTask.CompletedTask;
}
