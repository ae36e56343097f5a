namespace IronRuntime.Router;

/// <summary>
/// Why a call cannot be sent anywhere: the endpoint it asked for is unavailable until <see cref="RetryAfter"/> has
/// passed, or (<see cref="MissingKey"/>) no endpoint it may use has a key configured.
/// </summary>
/// <param name="Endpoint">The name of the endpoint, for example <c>openai</c>.</param>
/// <param name="Provider">The endpoint's provider.</param>
/// <param name="RetryAfter">How long until the endpoint's circuit breaker lets a call through again.</param>
/// <param name="MissingKey">True when the call was refused because no endpoint it may use has a key: nothing is sent.</param>
public readonly record struct LlmUpstreamUnavailable(string Endpoint, LlmProvider Provider, TimeSpan RetryAfter, bool MissingKey = false);
