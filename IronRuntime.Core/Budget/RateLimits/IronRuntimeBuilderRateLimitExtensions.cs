using IronRuntime.Budget;
using Microsoft.Extensions.DependencyInjection;

namespace IronRuntime;

/// <summary>Rate limits on the <see cref="IronRuntimeBuilder"/>: requests and tokens per minute, global and per agent.</summary>
public static class IronRuntimeBuilderRateLimitExtensions
{
    /// <summary>
    /// Sets rate limits (also read from <c>IronRuntime:Budget:RateLimits</c> with <see cref="IronRuntimeBuilder.BindConfiguration"/>):
    /// a call over one is answered 429 with <c>Retry-After</c> in the provider's shape and reserves no money. With
    /// <c>UseRedisBudgetLedger</c> the windows are kept in Redis and shared by the fleet.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the limits.</param>
    /// <returns>The builder.</returns>
    public static IronRuntimeBuilder WithRateLimits(this IronRuntimeBuilder builder, Action<RateLimitOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }
}
