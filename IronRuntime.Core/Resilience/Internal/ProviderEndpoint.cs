using IronRuntime.Router;
using Polly;

namespace IronRuntime.Resilience.Internal;

/// <summary>
/// One provider endpoint (its name is the key of its breaker): its resilience pipeline (circuit breaker → retry →
/// attempt timeout) and a lock-free copy of its breaker's state for the check before the gate.
/// </summary>
internal sealed class ProviderEndpoint(string name, LlmProvider provider, Uri baseUrl, string? apiKey, TimeProvider time)
    : LlmUpstreamEndpoint(name, provider, baseUrl, apiKey)
{
    private int _state;
    private long _blockedUntilTicks;

    /// <summary>Circuit breaker, retry and attempt timeout around one send to this endpoint.</summary>
    public ResiliencePipeline<HttpResponseMessage> EndpointPipeline { get; set; } = ResiliencePipeline<HttpResponseMessage>.Empty;

    /// <inheritdoc />
    public override ResiliencePipeline<HttpResponseMessage> Pipeline => EndpointPipeline;

    /// <summary>The breaker's state as last reported by the breaker.</summary>
    public ProviderCircuitState State => (ProviderCircuitState)Volatile.Read(ref _state);

    /// <summary>
    /// Whether a call may be sent now: the breaker is closed, or its break (or the pending probe's turn) has passed so
    /// that the call may be the probe. Reads two fields; the clock only when the breaker is not closed.
    /// </summary>
    public override bool IsAvailable(out TimeSpan retryAfter)
    {
        if (Volatile.Read(ref _state) == (int)ProviderCircuitState.Closed)
        {
            retryAfter = TimeSpan.Zero;
            return true;
        }

        long left = Volatile.Read(ref _blockedUntilTicks) - time.GetUtcNow().UtcTicks;
        retryAfter = left > 0 ? TimeSpan.FromTicks(left) : TimeSpan.Zero;
        return left <= 0;
    }

    /// <summary>Records a transition reported by the breaker; returns the previous state.</summary>
    /// <param name="state">The new state.</param>
    /// <param name="blockedUntil">Until when calls are refused (open: end of the break; half-open: the probe's turn).</param>
    public ProviderCircuitState Transition(ProviderCircuitState state, DateTimeOffset blockedUntil)
    {
        Volatile.Write(ref _blockedUntilTicks, blockedUntil.UtcTicks);
        return (ProviderCircuitState)Interlocked.Exchange(ref _state, (int)state);
    }

    /// <summary>The endpoint's health now.</summary>
    public ProviderEndpointHealth GetHealth()
    {
        var state = State;
        TimeSpan? retryAfter = null;
        if (state != ProviderCircuitState.Closed && !IsAvailable(out var left))
        {
            retryAfter = left;
        }

        return new ProviderEndpointHealth(Name, Provider, state, retryAfter);
    }
}
