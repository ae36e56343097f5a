using IronRuntime.Router;

namespace IronRuntime.Resilience;

/// <summary>The health of one provider endpoint at one moment.</summary>
/// <param name="Endpoint">The endpoint's name: <c>openai</c>, <c>anthropic</c>, or a configured one.</param>
/// <param name="Provider">The provider whose API the endpoint speaks.</param>
/// <param name="State">The circuit breaker's state.</param>
/// <param name="RetryAfter">While calls fail fast: how long until a probe is let through; otherwise <see langword="null"/>.</param>
public readonly record struct ProviderEndpointHealth(string Endpoint, LlmProvider Provider, ProviderCircuitState State, TimeSpan? RetryAfter);
