namespace IronRuntime.Router.Pipeline;

/// <summary>Why a call cannot be sent anywhere: the endpoint it asked for is unavailable until <see cref="RetryAfter"/> has passed.</summary>
/// <param name="Endpoint">The name of the endpoint, for example <c>openai</c>.</param>
/// <param name="Provider">The endpoint's provider.</param>
/// <param name="RetryAfter">How long until the endpoint's circuit breaker lets a call through again.</param>
internal readonly record struct UpstreamUnavailable(string Endpoint, LlmProvider Provider, TimeSpan RetryAfter);
