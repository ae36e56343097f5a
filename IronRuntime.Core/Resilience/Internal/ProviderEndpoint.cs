using IronRuntime.Router;
using IronRuntime.Router.Providers;
using Polly;

namespace IronRuntime.Resilience.Internal;

/// <summary>
/// One provider endpoint: where it is, its real key, its resilience pipeline (retry, circuit breaker, attempt
/// timeout) and a lock-free copy of its breaker's state for the check before the gate.
/// </summary>
internal sealed class ProviderEndpoint
{
    private readonly Uri?[] _routes = new Uri?[5];
    private int _state;
    private long _blockedUntilTicks;

    public ProviderEndpoint(string name, LlmProvider provider, Uri baseUrl, string? apiKey)
    {
        Name = name;
        Provider = provider;
        BaseUri = ProviderUpstream.NormalizeBase(baseUrl);
        ApiKey = apiKey;
    }

    /// <summary>The endpoint's name (the key of its breaker).</summary>
    public string Name { get; }

    /// <summary>The provider whose API it speaks.</summary>
    public LlmProvider Provider { get; }

    /// <summary>The normalised base address.</summary>
    public Uri BaseUri { get; }

    /// <summary>The real key, or null.</summary>
    public string? ApiKey { get; }

    /// <summary>Whether a key is configured: without one (and without the simulated provider) no call is sent here.</summary>
    public bool HasKey => !string.IsNullOrEmpty(ApiKey);

    /// <summary>Retry, circuit breaker and attempt timeout around one send to this endpoint.</summary>
    public ResiliencePipeline<HttpResponseMessage> Pipeline { get; set; } = ResiliencePipeline<HttpResponseMessage>.Empty;

    /// <summary>The breaker's state as last reported by the breaker.</summary>
    public ProviderCircuitState State => (ProviderCircuitState)Volatile.Read(ref _state);

    /// <summary>The address of <paramref name="api"/>'s route on this endpoint.</summary>
    public Uri UriFor(LlmApi api)
    {
        int index = (int)api;
        return _routes[index] ??= new Uri(BaseUri, ProviderUpstream.RouteOf(api));
    }

    /// <summary>
    /// Whether a call may be sent now: the breaker is closed, or its break (or the pending probe's turn) has passed so
    /// that the call may be the probe. Reads two fields; the clock only when the breaker is not closed.
    /// </summary>
    public bool IsAvailable(TimeProvider time, out TimeSpan retryAfter)
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
    public ProviderEndpointHealth GetHealth(TimeProvider time)
    {
        var state = State;
        TimeSpan? retryAfter = null;
        if (state != ProviderCircuitState.Closed && !IsAvailable(time, out var left))
        {
            retryAfter = left;
        }

        return new ProviderEndpointHealth(Name, Provider, state, retryAfter);
    }
}
