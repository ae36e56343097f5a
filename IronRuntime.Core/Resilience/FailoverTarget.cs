namespace IronRuntime.Resilience;

/// <summary>One place a call may fail over to: an endpoint, and the model to ask there.</summary>
public sealed class FailoverTarget
{
    /// <summary>Creates an empty target (for configuration binding).</summary>
    public FailoverTarget()
    {
    }

    /// <summary>Creates a target.</summary>
    /// <param name="endpoint">The endpoint's name: <c>openai</c>, <c>anthropic</c>, or one of <see cref="ResilienceOptions.Endpoints"/>.</param>
    /// <param name="model">The model to ask there; null keeps the call's model.</param>
    public FailoverTarget(string endpoint, string? model = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        Endpoint = endpoint;
        Model = model;
    }

    /// <summary>The endpoint's name: <c>openai</c>, <c>anthropic</c>, or one of <see cref="ResilienceOptions.Endpoints"/>.</summary>
    public string Endpoint { get; set; } = string.Empty;

    /// <summary>
    /// The model to ask at the endpoint; null keeps the call's model. A target of the other provider needs one
    /// (for example <c>claude-sonnet-4-5</c> for <c>gpt-4o</c>): the call is translated between the OpenAI Chat
    /// Completions and Anthropic Messages formats both ways.
    /// </summary>
    public string? Model { get; set; }
}
