namespace IronRuntime.Router.Pipeline;

/// <summary>
/// The resilience subsystem as the router calls it: a cheap availability check before the request gate, and the
/// stage between response metering and the primary handler that owns retries, timeouts, circuit breakers and
/// failover.
/// </summary>
internal interface IUpstreamResilience
{
    /// <summary>
    /// Chooses the provider endpoints <paramref name="call"/> may be sent to, skipping those whose circuit breaker
    /// is open, and records them on the call (<see cref="LlmCall.FallbackModels"/> included) for the gate and the stage.
    /// </summary>
    /// <param name="call">The parsed call, not yet admitted by the gate.</param>
    /// <param name="unavailable">When no endpoint can take the call: which one was asked for and when to retry.</param>
    /// <returns>False when the call must fail fast without being sent (and without anything reserved).</returns>
    bool TryAdmit(LlmCall call, out UpstreamUnavailable unavailable);

    /// <summary>The keys of every endpoint the stage may send to, so that provider error bodies can be scrubbed of them.</summary>
    IEnumerable<string?> ApiKeys { get; }

    /// <summary>Creates the stage placed just above the primary handler.</summary>
    /// <param name="completion">Ends calls the stage answers itself (unreachable endpoint, timeout).</param>
    /// <returns>A new handler; the router sets its inner handler.</returns>
    DelegatingHandler CreateStage(ILlmCallCompletion completion);
}
