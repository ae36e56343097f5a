using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using IronRuntime.Budget;
using IronRuntime.ChatClients.Internal;
using IronRuntime.Resilience;

namespace IronRuntime.Telemetry;

/// <summary>
/// The runtime's own instruments beside the GenAI ones: spend and limit of the global budget and of every agent that
/// has made a call (observable gauges read from the ledger when collected), breaker state changes of the router's
/// endpoints and of the chat middleware's providers, and streams the router ended on a timeout.
/// </summary>
internal sealed class RuntimeGauges
{
    private readonly IBudgetLedger _ledger;
    private readonly ConcurrentDictionary<string, byte> _agents = new(StringComparer.Ordinal);
    private readonly Counter<long> _stateChanges;
    private readonly Counter<long> _streamTimeouts;

    public RuntimeGauges(GenAiInstruments instruments, IBudgetLedger ledger, IProviderHealth health, ChatBreakers breakers)
    {
        _ledger = ledger;
        var meter = instruments.Meter;
        meter.CreateObservableGauge("ironruntime.budget.spend", () => Observe(static s => s.Spent), "USD",
            "Spend of the global budget (no agent attribute) and of each agent, settled calls only.");
        meter.CreateObservableGauge("ironruntime.budget.reserved", () => Observe(static s => s.Reserved), "USD",
            "Money held by calls in flight, globally and per agent.");
        meter.CreateObservableGauge("ironruntime.budget.limit", ObserveLimits, "USD",
            "The limit of the global budget and of each agent that has one.");
        _stateChanges = meter.CreateCounter<long>("ironruntime.provider.state_changes", "{change}",
            "Circuit-breaker transitions of provider endpoints (router) and providers (chat-client middleware), by new state.");
        _streamTimeouts = meter.CreateCounter<long>("ironruntime.stream.timeouts", "{stream}",
            "Streams the router ended because the provider was idle too long or the call ran out of time.");
        health.StateChanged += (_, e) => _stateChanges.Add(1,
            new KeyValuePair<string, object?>("ironruntime.provider.endpoint", e.Endpoint),
            new KeyValuePair<string, object?>("ironruntime.circuit.state", StateName(e.State)));
        breakers.StateChanged += (provider, state) => _stateChanges.Add(1,
            new KeyValuePair<string, object?>("ironruntime.provider.endpoint", provider),
            new KeyValuePair<string, object?>("ironruntime.circuit.state", StateName(state)));
    }

    /// <summary>Makes <paramref name="agentId"/>'s account reported by the gauges from now on.</summary>
    public void Track(string? agentId)
    {
        // Looked up first: TryAdd takes a bucket lock even when the agent is known (every call after its first).
        if (agentId is not null && !_agents.ContainsKey(agentId))
        {
            _agents.TryAdd(agentId, 0);
        }
    }

    /// <summary>Counts a stream ended on a timeout.</summary>
    public void StreamTimedOut(string provider, string model) => _streamTimeouts.Add(1,
        new KeyValuePair<string, object?>("gen_ai.provider.name", provider), new KeyValuePair<string, object?>("gen_ai.request.model", model));

    private static string StateName(ProviderCircuitState state) => state switch
    {
        ProviderCircuitState.Open => "open",
        ProviderCircuitState.HalfOpen => "half_open",
        _ => "closed",
    };

    private List<Measurement<double>> Observe(Func<BudgetSnapshot, decimal> value)
    {
        var measurements = new List<Measurement<double>>(_agents.Count + 1) { new((double)value(_ledger.GetSnapshot(null))) };
        foreach (string agentId in _agents.Keys)
        {
            measurements.Add(new((double)value(_ledger.GetSnapshot(agentId)), new KeyValuePair<string, object?>("ironruntime.agent.id", agentId)));
        }

        return measurements;
    }

    private List<Measurement<double>> ObserveLimits()
    {
        var measurements = new List<Measurement<double>>();
        if (_ledger.GetSnapshot(null).Limit is { } global)
        {
            measurements.Add(new((double)global));
        }

        foreach (string agentId in _agents.Keys)
        {
            if (_ledger.GetSnapshot(agentId).Limit is { } limit)
            {
                measurements.Add(new((double)limit, new KeyValuePair<string, object?>("ironruntime.agent.id", agentId)));
            }
        }

        return measurements;
    }
}
