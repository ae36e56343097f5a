namespace IronRuntime.Router.Simulation;

/// <summary>A request rejected the way the provider would reject it.</summary>
/// <param name="StatusCode">The HTTP status code (400 for a malformed body, for instance).</param>
/// <param name="Type">The provider's error type (<c>invalid_request_error</c>, ...).</param>
/// <param name="Message">The provider's human-readable message.</param>
/// <param name="Param">The offending parameter (OpenAI only), or null.</param>
/// <param name="Code">The machine-readable code (OpenAI only), or null.</param>
internal readonly record struct ProviderRequestError(int StatusCode, string Type, string Message, string? Param = null, string? Code = null);
