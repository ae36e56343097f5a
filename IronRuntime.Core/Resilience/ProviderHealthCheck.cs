using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IronRuntime.Resilience;

/// <summary>
/// A health check over the provider endpoints' circuit breakers: Healthy when every breaker is closed, Degraded when
/// some are open or probing, Unhealthy when none is closed. Register it in a host with
/// <c>services.AddHealthChecks().AddCheck&lt;ProviderHealthCheck&gt;("ironruntime-providers")</c>.
/// </summary>
public sealed class ProviderHealthCheck : IHealthCheck
{
    private readonly IProviderHealth _health;

    /// <summary>Creates the check.</summary>
    /// <param name="health">The endpoints' health.</param>
    public ProviderHealthCheck(IProviderHealth health)
    {
        ArgumentNullException.ThrowIfNull(health);
        _health = health;
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var states = _health.GetStates();
        var data = new Dictionary<string, object>(states.Count, StringComparer.Ordinal);
        int closed = 0;
        foreach (var state in states)
        {
            data[state.Endpoint] = state.State.ToString();
            closed += state.State == ProviderCircuitState.Closed ? 1 : 0;
        }

        HealthCheckResult result;
        if (closed == states.Count)
        {
            result = HealthCheckResult.Healthy("Every provider endpoint's circuit is closed.", data);
        }
        else
        {
            string open = string.Join(", ", states.Where(s => s.State != ProviderCircuitState.Closed).Select(s => $"{s.Endpoint} ({s.State})"));
            result = closed == 0
                ? new HealthCheckResult(context?.Registration?.FailureStatus ?? HealthStatus.Unhealthy, "No provider endpoint is available: " + open + ".", data: data)
                : HealthCheckResult.Degraded("Some provider endpoints are failing fast: " + open + ".", data: data);
        }

        return Task.FromResult(result);
    }
}
