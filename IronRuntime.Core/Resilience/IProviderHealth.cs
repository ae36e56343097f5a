namespace IronRuntime.Resilience;

/// <summary>
/// The health of every provider endpoint the runtime calls: each endpoint's circuit-breaker state now, and an event on
/// every transition (for analytics, dashboards and alerts). Resolve it from the container, or use
/// <see cref="AgentRuntime.GetProviderStates"/> and <see cref="AgentRuntime.ProviderStateChanged"/>.
/// </summary>
public interface IProviderHealth
{
    /// <summary>Raised on every state change of an endpoint's breaker (opened, half-opened, closed). Handlers must not block.</summary>
    event EventHandler<ProviderStateChangedEventArgs>? StateChanged;

    /// <summary>The state of every endpoint, the built-in ones first.</summary>
    /// <returns>A snapshot.</returns>
    IReadOnlyList<ProviderEndpointHealth> GetStates();
}
