namespace IronRuntime.Resilience;

/// <summary>The state of a provider endpoint's circuit breaker.</summary>
public enum ProviderCircuitState
{
    /// <summary>Calls flow; failures are counted.</summary>
    Closed = 0,

    /// <summary>Calls fail fast (503 with <c>Retry-After</c>) until the break duration has passed.</summary>
    Open = 1,

    /// <summary>The break has passed and one probe call is in flight; its outcome closes or re-opens the circuit.</summary>
    HalfOpen = 2,
}
