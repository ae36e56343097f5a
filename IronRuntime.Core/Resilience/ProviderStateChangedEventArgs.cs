using IronRuntime.Router;

namespace IronRuntime.Resilience;

/// <summary>A provider endpoint's circuit breaker changed state.</summary>
/// <param name="endpoint">The endpoint's name.</param>
/// <param name="provider">Its provider.</param>
/// <param name="previousState">The state before.</param>
/// <param name="state">The state now.</param>
/// <param name="timestamp">When it changed.</param>
/// <param name="breakDuration">For <see cref="ProviderCircuitState.Open"/>: how long calls will fail fast.</param>
public sealed class ProviderStateChangedEventArgs(string endpoint, LlmProvider provider, ProviderCircuitState previousState, ProviderCircuitState state, DateTimeOffset timestamp, TimeSpan? breakDuration) : EventArgs
{
    /// <summary>The endpoint's name: <c>openai</c>, <c>anthropic</c>, or a configured one.</summary>
    public string Endpoint { get; } = endpoint;

    /// <summary>The provider whose API the endpoint speaks.</summary>
    public LlmProvider Provider { get; } = provider;

    /// <summary>The state before the change.</summary>
    public ProviderCircuitState PreviousState { get; } = previousState;

    /// <summary>The state now.</summary>
    public ProviderCircuitState State { get; } = state;

    /// <summary>When the state changed (from the runtime's <see cref="TimeProvider"/>).</summary>
    public DateTimeOffset Timestamp { get; } = timestamp;

    /// <summary>For <see cref="ProviderCircuitState.Open"/>: how long calls will fail fast; otherwise <see langword="null"/>.</summary>
    public TimeSpan? BreakDuration { get; } = breakDuration;
}
