using IronRuntime.Router;

namespace IronRuntime.Resilience;

/// <summary>Reliability choices on the <see cref="IronRuntimeBuilder"/>: breakers, retries, timeouts, endpoints and failover.</summary>
public static class IronRuntimeBuilderResilienceExtensions
{
    /// <summary>Changes the <see cref="ResilienceOptions"/> (breaker thresholds, retries, timeouts).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">The change.</param>
    /// <returns>The builder.</returns>
    public static IronRuntimeBuilder ConfigureResilience(this IronRuntimeBuilder builder, Action<ResilienceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.Configure(c => configure(c.Resilience));
    }

    /// <summary>Adds a named provider endpoint (another region, a gateway) that failover targets can name.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The endpoint's name (not <c>openai</c> or <c>anthropic</c>).</param>
    /// <param name="provider">The provider whose API it speaks.</param>
    /// <param name="baseUrl">Its base address, up to but excluding <c>/v1/...</c>.</param>
    /// <param name="apiKey">Its real key; null uses the provider's key.</param>
    /// <returns>The builder.</returns>
    public static IronRuntimeBuilder AddProviderEndpoint(this IronRuntimeBuilder builder, string name, LlmProvider provider, Uri baseUrl, string? apiKey = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(baseUrl);
        return builder.Configure(c => c.Resilience.Endpoints[name] = new ResilienceEndpointOptions { Provider = provider, BaseUrl = baseUrl, ApiKey = apiKey });
    }

    /// <summary>
    /// Appends fallback targets for calls to <paramref name="model"/> (or <see cref="ResilienceOptions.AnyModel"/>), tried in
    /// order when the call's endpoint fails before the first byte.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="model">The model as sent upstream, or <c>*</c>.</param>
    /// <param name="targets">The targets, in order.</param>
    /// <returns>The builder.</returns>
    public static IronRuntimeBuilder AddFailover(this IronRuntimeBuilder builder, string model, params FailoverTarget[] targets)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentNullException.ThrowIfNull(targets);
        return builder.Configure(c =>
        {
            if (!c.Resilience.Failover.TryGetValue(model, out var list))
            {
                c.Resilience.Failover[model] = list = [];
            }

            list.AddRange(targets);
        });
    }
}
