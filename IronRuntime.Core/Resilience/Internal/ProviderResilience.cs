using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using IronRuntime.Pricing;
using IronRuntime.Router;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace IronRuntime.Resilience.Internal;

/// <summary>
/// The resilience subsystem, the router's <see cref="ILlmUpstreamPolicy"/>: the provider endpoints with one Polly
/// pipeline each (circuit breaker → retry; the router adds the attempt timeout and the whole call's), the failover routes, the check before the gate, and the
/// state of every breaker. The router's upstream stage does the sending, rebuilding and translating.
/// </summary>
internal sealed class ProviderResilience : ILlmUpstreamPolicy, IProviderHealth
{
    private const int MaxCachedRoutes = 1024;

    private readonly ProviderEndpoint[] _endpoints;
    private readonly Dictionary<string, ProviderEndpoint> _byName;
    private readonly ProviderEndpoint _openAI;
    private readonly ProviderEndpoint _anthropic;
    private readonly Dictionary<string, FailoverTarget[]> _failover;
    private readonly ConcurrentDictionary<(LlmProvider Provider, LlmApi Api, string Model), LlmUpstreamRoute> _routes = new();
    private readonly FrozenDictionary<(LlmProvider Provider, LlmApi Api), LlmUpstreamRoute> _directRoutes;
    private readonly LlmUpstreamRoute[,] _directByIndex;
    private readonly ILogger _logger;
    private readonly IModelPricing _pricing;
    private readonly long _defaultMaxOutputTokens;
    private readonly bool _simulated;

    public ProviderResilience(IOptions<RuntimeConfig> config, TimeProvider time, ILoggerFactory loggerFactory, IModelPricing pricing)
    {
        var runtime = config.Value;
        _pricing = pricing;
        _defaultMaxOutputTokens = runtime.DefaultMaxOutputTokens;
        _simulated = runtime.Router.UseSimulatedProvider;
        Options = runtime.Resilience;
        Time = time;
        Timeouts = new LlmUpstreamTimeouts(Options.TotalTimeout, Options.FirstByteTimeout, Options.StreamIdleTimeout, Options.ConnectTimeout, Options.BreakDuration);
        _logger = loggerFactory.CreateLogger("IronRuntime.Resilience");

        _openAI = new ProviderEndpoint(ResilienceOptions.OpenAIEndpoint, LlmProvider.OpenAI, runtime.Router.OpenAI.BaseUrl ?? LlmRouterOptions.DefaultOpenAIBaseUrl, runtime.Router.OpenAI.ApiKey, time);
        _anthropic = new ProviderEndpoint(ResilienceOptions.AnthropicEndpoint, LlmProvider.Anthropic, runtime.Router.Anthropic.BaseUrl ?? LlmRouterOptions.DefaultAnthropicBaseUrl, runtime.Router.Anthropic.ApiKey, time);
        var endpoints = new List<ProviderEndpoint> { _openAI, _anthropic };
        foreach (var (name, named) in Options.Endpoints)
        {
            string? key = named.ApiKey ?? (named.Provider == LlmProvider.Anthropic ? runtime.Router.Anthropic.ApiKey : runtime.Router.OpenAI.ApiKey);
            endpoints.Add(new ProviderEndpoint(name, named.Provider, named.BaseUrl!, key, time));
        }

        _endpoints = [.. endpoints];
        _byName = _endpoints.ToDictionary(e => e.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var endpoint in _endpoints)
        {
            endpoint.EndpointPipeline = BuildEndpointPipeline(endpoint);
        }

        _failover = Options.Failover.Where(f => f.Value is { Count: > 0 }).ToDictionary(f => f.Key, f => f.Value.ToArray(), StringComparer.OrdinalIgnoreCase);

        var direct = new Dictionary<(LlmProvider, LlmApi), LlmUpstreamRoute>();
        foreach (var provider in Enum.GetValues<LlmProvider>())
        {
            foreach (var api in Enum.GetValues<LlmApi>())
            {
                var endpoint = provider == LlmProvider.Anthropic ? _anthropic : _openAI;
                direct[(provider, api)] = new LlmUpstreamRoute([new LlmUpstreamTarget(endpoint, null, api, api, IsOriginal: true)], null);
            }
        }

        _directRoutes = direct.ToFrozenDictionary();

        // The same routes indexed by the enums' values: the per-call lookup without hashing a tuple key.
        _directByIndex = new LlmUpstreamRoute[(int)Enum.GetValues<LlmProvider>().Max() + 1, (int)Enum.GetValues<LlmApi>().Max() + 1];
        foreach (var ((provider, api), route) in direct)
        {
            _directByIndex[(int)provider, (int)api] = route;
        }
    }

    /// <inheritdoc />
    public event EventHandler<ProviderStateChangedEventArgs>? StateChanged;

    /// <summary>The options in force.</summary>
    public ResilienceOptions Options { get; }

    /// <inheritdoc />
    public IEnumerable<string?> ApiKeys => _endpoints.Select(static e => e.ApiKey);

    /// <summary>The runtime's clock.</summary>
    public TimeProvider Time { get; }

    /// <inheritdoc />
    public LlmUpstreamTimeouts Timeouts { get; }

    /// <summary>Empty: the router applies <see cref="Timeouts"/> (the whole call's and each attempt's limit) itself.</summary>
    public ResiliencePipeline<HttpResponseMessage> CallPipeline => ResiliencePipeline<HttpResponseMessage>.Empty;

    /// <summary>The output limit to give a translated request that set none (Anthropic requires one): the model's maximum when known.</summary>
    public long DefaultMaxOutputTokens(string model)
        => _pricing.TryGetPrice(model, out var price) && price.MaxOutputTokens is { } max ? max : _defaultMaxOutputTokens;

    /// <inheritdoc />
    public IReadOnlyList<ProviderEndpointHealth> GetStates()
    {
        var states = new ProviderEndpointHealth[_endpoints.Length];
        for (int i = 0; i < states.Length; i++)
        {
            states[i] = _endpoints[i].GetHealth();
        }

        return states;
    }

    /// <inheritdoc />
    /// <remarks>
    /// A target whose endpoint has no key (and no simulated provider) is skipped like one whose circuit is open: a call
    /// to a provider without a key goes to a failover target that has one; when no target has a key the call is refused
    /// (401, nothing sent, nothing reserved, nothing counted by any breaker).
    /// </remarks>
    public bool TryRoute(LlmCall call, [NotNullWhen(true)] out LlmUpstreamRoute? route, out LlmUpstreamUnavailable unavailable)
    {
        route = Resolve(call);
        var targets = route.Targets;
        int available = 0;
        int keyed = 0;
        TimeSpan soonest = TimeSpan.MaxValue;
        foreach (var target in targets)
        {
            if (!HasKey(target.Endpoint))
            {
                continue;
            }

            keyed++;
            if (target.Endpoint.IsAvailable(out var retryAfter))
            {
                available++;
            }
            else if (retryAfter < soonest)
            {
                soonest = retryAfter;
            }
        }

        if (available == 0)
        {
            unavailable = new LlmUpstreamUnavailable(targets[0].Endpoint.Name, targets[0].Endpoint.Provider, soonest, MissingKey: keyed == 0);
            route = null;
            return false;
        }

        if (available < targets.Count)
        {
            route = new LlmUpstreamRoute([.. targets.Where(t => HasKey(t.Endpoint) && t.Endpoint.IsAvailable(out _))], call.Model);
        }

        unavailable = default;
        return true;
    }

    private bool HasKey(LlmUpstreamEndpoint endpoint) => _simulated || endpoint.HasKey;

    private LlmUpstreamRoute Resolve(LlmCall call)
    {
        if (_failover.Count == 0)
        {
            return (uint)call.Provider < (uint)_directByIndex.GetLength(0) && (uint)call.Api < (uint)_directByIndex.GetLength(1)
                ? _directByIndex[(int)call.Provider, (int)call.Api]
                : _directRoutes[(call.Provider, call.Api)];
        }

        var key = (call.Provider, call.Api, call.Model);
        if (_routes.TryGetValue(key, out var route))
        {
            return route;
        }

        route = BuildRoute(call.Provider, call.Api, call.Model);
        if (_routes.Count < MaxCachedRoutes)
        {
            _routes.TryAdd(key, route);
        }

        return route;
    }

    private LlmUpstreamRoute BuildRoute(LlmProvider provider, LlmApi api, string model)
    {
        var primary = provider == LlmProvider.Anthropic ? _anthropic : _openAI;
        var targets = new List<LlmUpstreamTarget> { new(primary, null, api, api, IsOriginal: true) };
        if (_failover.TryGetValue(model, out var fallbacks) || _failover.TryGetValue(ResilienceOptions.AnyModel, out fallbacks))
        {
            foreach (var fallback in fallbacks)
            {
                var endpoint = _byName[fallback.Endpoint];
                string? targetModel = string.IsNullOrEmpty(fallback.Model) || string.Equals(fallback.Model, model, StringComparison.Ordinal) ? null : fallback.Model;
                LlmApi targetApi = TargetApi(endpoint.Provider, provider, api);
                bool duplicate = targets.Exists(t => t.Endpoint == endpoint && t.Model == targetModel);
                if (targetApi == LlmApi.Unknown || duplicate || (targetApi != api && targetModel is null))
                {
                    continue;
                }

                targets.Add(new LlmUpstreamTarget(endpoint, targetModel, targetApi, api, IsOriginal: false));
            }
        }

        return new LlmUpstreamRoute([.. targets], model);
    }

    /// <summary>The API a call of <paramref name="api"/> speaks at an endpoint of <paramref name="target"/>; Unknown when it cannot go there.</summary>
    private static LlmApi TargetApi(LlmProvider target, LlmProvider source, LlmApi api)
    {
        if (target == source)
        {
            return api;
        }

        return (target, api) switch
        {
            (LlmProvider.Anthropic, LlmApi.ChatCompletions) => LlmApi.Messages,
            (LlmProvider.OpenAI, LlmApi.Messages) => LlmApi.ChatCompletions,
            (LlmProvider.OpenAI, LlmApi.ChatCompletions) => LlmApi.ChatCompletions, // from Anthropic's OpenAI-compatible route
            _ => LlmApi.Unknown,
        };
    }

    private ResiliencePipeline<HttpResponseMessage> BuildEndpointPipeline(ProviderEndpoint endpoint)
    {
        var o = Options;
        var time = Time;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time, Name = "IronRuntime.Upstream", InstanceName = endpoint.Name };
        // The breaker sits outside the retries: it counts one outcome per call (the last attempt's), not one per attempt.
        // Counted per attempt, one call's attempts — times an SDK's own retries of the runtime's 502 — reached the
        // minimum throughput by themselves and opened the circuit for every agent (issue #16).
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            FailureRatio = o.FailureRatio,
            SamplingDuration = o.SamplingDuration,
            MinimumThroughput = o.MinimumThroughput,
            BreakDuration = o.BreakDuration,
            ShouldHandle = args => new ValueTask<bool>(LlmUpstreamFailures.IsFailure(args.Outcome)),
            OnOpened = args =>
            {
                var now = time.GetUtcNow();
                var previous = endpoint.Transition(ProviderCircuitState.Open, now + args.BreakDuration);
                ResilienceLog.CircuitOpened(_logger, endpoint.Provider, endpoint.Name, args.BreakDuration.TotalSeconds, LlmUpstreamFailures.Describe(args.Outcome));
                Raise(endpoint, previous, ProviderCircuitState.Open, now, args.BreakDuration);
                return default;
            },
            OnHalfOpened = args =>
            {
                var now = time.GetUtcNow();
                var previous = endpoint.Transition(ProviderCircuitState.HalfOpen, now + o.BreakDuration);
                ResilienceLog.CircuitHalfOpened(_logger, endpoint.Provider, endpoint.Name);
                Raise(endpoint, previous, ProviderCircuitState.HalfOpen, now, null);
                return default;
            },
            OnClosed = args =>
            {
                var now = time.GetUtcNow();
                var previous = endpoint.Transition(ProviderCircuitState.Closed, DateTimeOffset.MinValue);
                ResilienceLog.CircuitClosed(_logger, endpoint.Provider, endpoint.Name);
                Raise(endpoint, previous, ProviderCircuitState.Closed, now, null);
                return default;
            },
        });

        if (o.MaxRetryAttempts > 0)
        {
            TimeSpan maxDelay = o.MaxRetryDelay;
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = o.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = o.RetryBaseDelay,
                MaxDelay = maxDelay,
                ShouldHandle = args => new ValueTask<bool>(LlmUpstreamFailures.IsRetryable(args.Outcome, maxDelay, time)),
                DelayGenerator = args => new ValueTask<TimeSpan?>(LlmUpstreamFailures.RetryAfter(args.Outcome.Result, time)),
                OnRetry = args =>
                {
                    ResilienceLog.Retrying(_logger, endpoint.Name, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, LlmUpstreamFailures.Describe(args.Outcome));
                    return default;
                },
            });
        }

        // No timeout strategy: the router arms FirstByteTimeout around each attempt, innermost, with Polly's outcome
        // (TimeoutRejectedException), and TotalTimeout around the whole call, on one timer (Timeouts).
        return builder.Build();
    }

    private void Raise(ProviderEndpoint endpoint, ProviderCircuitState previous, ProviderCircuitState state, DateTimeOffset now, TimeSpan? breakDuration)
    {
        if (StateChanged is not { } handler)
        {
            return;
        }

        try
        {
            handler(this, new ProviderStateChangedEventArgs(endpoint.Name, endpoint.Provider, previous, state, now, breakDuration));
        }
        catch (Exception ex)
        {
            ResilienceLog.StateHandlerFailed(_logger, ex);
        }
    }
}
