namespace IronRuntime.Router;

/// <summary>One place a call may be sent: an endpoint, the model to ask there, and the API to speak.</summary>
/// <param name="Endpoint">The endpoint.</param>
/// <param name="Model">The model to ask, or null to keep the call's model.</param>
/// <param name="Api">The API the request is sent in (the client's, or the other provider's after translation).</param>
/// <param name="ClientApi">The API the client speaks.</param>
/// <param name="IsOriginal">Whether the request as routed can be sent unchanged (the call's own endpoint and model).</param>
public sealed record LlmUpstreamTarget(LlmUpstreamEndpoint Endpoint, string? Model, LlmApi Api, LlmApi ClientApi, bool IsOriginal)
{
    /// <summary>Whether the request and the answer are translated between the client's API and <see cref="Api"/>.</summary>
    public bool Translates => Api != ClientApi;
}
