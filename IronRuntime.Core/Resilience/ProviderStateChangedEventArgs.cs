using IronRuntime.Router;

namespace IronRuntime.Resilience;

/// <summary>A provider endpoint's circuit breaker changed state.</summary>
public sealed class ProviderStateChangedEventArgs : EventArgs
{
    /// <summary>Creates the event.</summary>
    /// <param name="endpoint">The endpoint's name.</param>
    /// <param name="provider">Its provider.</param>
    /// <param name="previousState">The state before.</param>
    /// <param name="state">The state now.</param>
    /// <param name="timestamp">When it changed.</param>
    /// <param name="breakDuration">For <see cref="ProviderCircuitState.Open"/>: how long calls will fail fast.</param>
    public ProviderStateChangedEventArgs(string endpoint, LlmProvider provider, ProviderCircuitState previousState, ProviderCircuitState state, DateTimeOffset timestamp, TimeSpan? breakDuration)
    {
        Endpoint = endpoint;
        Provider = provider;
        PreviousState = previousState;
        State = state;
        Timestamp = timestamp;
        BreakDuration = breakDuration;
    }

    /// <summary>The endpoint's name: <c>openai</c>, <c>anthropic</c>, or a configured one.</summary>
    public string Endpoint { get; }

    /// <summary>The provider whose API the endpoint speaks.</summary>
    public LlmProvider Provider { get; }

    /// <summary>The state before the change.</summary>
    public ProviderCircuitState PreviousState { get; }

    /// <summary>The state now.</summary>
    public ProviderCircuitState State { get; }

    /// <summary>When the state changed (from the runtime's <see cref="TimeProvider"/>).</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>For <see cref="ProviderCircuitState.Open"/>: how long calls will fail fast; otherwise <see langword="null"/>.</summary>
    public TimeSpan? BreakDuration { get; }
}
