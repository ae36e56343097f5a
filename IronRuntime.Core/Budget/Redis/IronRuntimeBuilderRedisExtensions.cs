using IronRuntime.Budget;
using IronRuntime.Budget.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace IronRuntime;

/// <summary>The Redis budget ledger on the <see cref="IronRuntimeBuilder"/>: one budget across a fleet of instances.</summary>
public static class IronRuntimeBuilderRedisExtensions
{
    /// <summary>The configuration section the options are read from when the application has configuration.</summary>
    public const string ConfigurationSection = "IronRuntime:Budget:Redis";

    /// <summary>
    /// Keeps the budget in Redis (or Valkey, Garnet, a managed Redis) so every instance that uses the same Redis and
    /// key prefix shares it. Options come from <c>IronRuntime:Budget:Redis</c>, then <paramref name="configure"/>; without
    /// a connection string the <see cref="IConnectionMultiplexer"/> registered in the services is used.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    public static IronRuntimeBuilder UseRedisBudgetLedger(this IronRuntimeBuilder builder, Action<RedisBudgetOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return Register(builder, configure);
    }

    /// <summary>
    /// Keeps the budget in Redis with the options of <c>IronRuntime:Budget:Redis</c>, or the
    /// <see cref="IConnectionMultiplexer"/> registered in the services when they name no connection string.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IronRuntimeBuilder UseRedisBudgetLedger(this IronRuntimeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return Register(builder, null);
    }

    /// <summary>Keeps the budget in the Redis at <paramref name="connectionString"/> (see the other overloads).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">The StackExchange.Redis connection string, for example <c>localhost:6379</c>.</param>
    /// <returns>The builder.</returns>
    public static IronRuntimeBuilder UseRedisBudgetLedger(this IronRuntimeBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        return Register(builder, o => o.ConnectionString = connectionString);
    }

    private static IronRuntimeBuilder Register(IronRuntimeBuilder builder, Action<RedisBudgetOptions>? configure)
    {
        var options = builder.Services.AddOptions<RedisBudgetOptions>()
            .Configure<IServiceProvider>(static (o, sp) => sp.GetService<IConfiguration>()?.GetSection(ConfigurationSection).Bind(o));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateDataAnnotations().ValidateOnStart();
        builder.Services.RemoveAll<IBudgetLedger>();
        builder.Services.RemoveAll<IronRuntime.Budget.RateLimits.IRateLimits>();
        builder.Services.AddSingleton<IronRuntime.Budget.RateLimits.IRateLimits>(static sp => sp.GetRequiredService<IBudgetLedger>() is RedisBudgetLedger ledger
            ? new RedisRateLimits(ledger, sp.GetRequiredService<IOptions<RateLimitOptions>>(), sp.GetRequiredService<IOptions<RedisBudgetOptions>>().Value, sp.GetRequiredService<TimeProvider>())
            : new IronRuntime.Budget.RateLimits.InProcessRateLimits(sp.GetRequiredService<IOptions<RateLimitOptions>>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<IBudgetLedger>(static sp =>
        {
            var o = sp.GetRequiredService<IOptions<RedisBudgetOptions>>().Value;
            IConnectionMultiplexer redis;
            bool owns = o.ConnectionString is not null;
            if (o.ConnectionString is { } connectionString)
            {
                var config = ConfigurationOptions.Parse(connectionString);
                config.AbortOnConnectFail = false;
                config.SyncTimeout = config.AsyncTimeout = o.CommandTimeoutMilliseconds;
                redis = ConnectionMultiplexer.Connect(config);
            }
            else
            {
                redis = sp.GetService<IConnectionMultiplexer>() ?? throw new InvalidOperationException(
                    $"UseRedisBudgetLedger needs {ConfigurationSection}:ConnectionString or an IConnectionMultiplexer registered in the services.");
            }

            var runtime = sp.GetRequiredService<IOptions<RuntimeConfig>>().Value;
            if (o.Period == BudgetPeriod.None && runtime.BudgetPeriod != BudgetPeriod.None)
            {
                // The runtime's period (the one definition both ledgers share) unless the Redis options set their own.
                o.Period = runtime.BudgetPeriod;
                o.TimeZone = runtime.BudgetTimeZone;
            }

            return new RedisBudgetLedger(redis, owns, o, runtime.EffectiveAlertThresholds,
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("IronRuntime.Budget.Redis"));
        });
        return builder;
    }
}
