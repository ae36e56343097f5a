using System.Collections.Concurrent;
using System.Globalization;
using IronRuntime.Resilience;
using Polly;
using Polly.CircuitBreaker;

namespace IronRuntime.ChatClients.Internal;

/// <summary>
/// One circuit breaker per provider of the chat clients the middleware governs (Polly, configured like the router's
/// endpoint breakers by <see cref="ResilienceOptions"/>): failures of the inner client open it, and while it is open
/// calls fail fast with <see cref="ProviderUnavailableException"/> instead of reaching the provider. Cancellations and
/// the runtime's own refusals are not failures.
/// </summary>
internal sealed class ChatBreakers
{
    private readonly ConcurrentDictionary<string, Breaker> _breakers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ResilienceOptions _options;
    private readonly TimeProvider _timeProvider;

    public ChatBreakers(ResilienceOptions options, TimeProvider timeProvider)
    {
        _options = options;
        _timeProvider = timeProvider;
    }

    /// <summary>Raised on every transition of a provider's breaker: the provider and the new state.</summary>
    public event Action<string, ProviderCircuitState>? StateChanged;

    /// <summary>Runs <paramref name="action"/> through the breaker of <paramref name="provider"/>.</summary>
    /// <exception cref="ProviderUnavailableException">The breaker is open.</exception>
    public async ValueTask<TResult> ExecuteAsync<TState, TResult>(string provider, Func<TState, CancellationToken, ValueTask<TResult>> action, TState state, CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return await action(state, cancellationToken).ConfigureAwait(false);
        }

        var breaker = _breakers.GetOrAdd(provider, Create);
        try
        {
            return await breaker.Pipeline.ExecuteAsync(
                static (s, ct) => s.Action(s.State, ct), (Action: action, State: state), cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException ex)
        {
            TimeSpan left = breaker.OpenUntil - _timeProvider.GetUtcNow();
            long seconds = Math.Max(1L, (long)Math.Ceiling(left.TotalSeconds));
            throw new ProviderUnavailableException(
                string.Create(CultureInfo.InvariantCulture,
                    $"{provider} is unavailable: IronRuntime's circuit breaker for it is open after repeated failures. Retry after {seconds} s."), ex)
            {
                Provider = provider,
                RetryAfter = TimeSpan.FromSeconds(seconds),
            };
        }
    }

    /// <summary>The state of <paramref name="provider"/>'s breaker (closed when it has none yet).</summary>
    public ProviderCircuitState StateOf(string provider) =>
        _breakers.TryGetValue(provider, out var breaker) ? breaker.State : ProviderCircuitState.Closed;

    private Breaker Create(string provider)
    {
        var breaker = new Breaker();
        var options = new CircuitBreakerStrategyOptions
        {
            FailureRatio = _options.FailureRatio,
            MinimumThroughput = _options.MinimumThroughput,
            SamplingDuration = _options.SamplingDuration,
            BreakDuration = _options.BreakDuration,
            ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is { } ex && IsFailure(ex)),
            OnOpened = args =>
            {
                breaker.OpenUntil = _timeProvider.GetUtcNow() + args.BreakDuration;
                Changed(breaker, provider, ProviderCircuitState.Open);
                return ValueTask.CompletedTask;
            },
            OnHalfOpened = _ =>
            {
                Changed(breaker, provider, ProviderCircuitState.HalfOpen);
                return ValueTask.CompletedTask;
            },
            OnClosed = _ =>
            {
                Changed(breaker, provider, ProviderCircuitState.Closed);
                return ValueTask.CompletedTask;
            },
        };
        breaker.Pipeline = new ResiliencePipelineBuilder { TimeProvider = _timeProvider }.AddCircuitBreaker(options).Build();
        return breaker;
    }

    private void Changed(Breaker breaker, string provider, ProviderCircuitState state)
    {
        breaker.State = state;
        StateChanged?.Invoke(provider, state);
    }

    private static bool IsFailure(Exception ex) => ex is not OperationCanceledException and not IronRuntimeCallRefusedException;

    private sealed class Breaker
    {
        public ResiliencePipeline Pipeline { get; set; } = ResiliencePipeline.Empty;

        public DateTimeOffset OpenUntil { get; set; }

        public volatile ProviderCircuitState State;
    }
}
