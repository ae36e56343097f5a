using IronRuntime.Agents;
using IronRuntime.Budget;
using IronRuntime.Configuration;
using IronRuntime.Pricing;
using IronRuntime.Resilience.Internal;
using IronRuntime.Resilience;
using IronRuntime.Router;
using IronRuntime.State;
using IronRuntime.Telemetry;
using IronRuntime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers IronRuntime in a service collection.</summary>
public static class IronRuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Adds IronRuntime: <see cref="AgentRuntime"/> and its subsystems (router, loopback proxy, pricing, budget ledger
    /// and gate, metrics), each replaceable by registering your own implementation of its interface, and a hosted
    /// service that stops every agent when the host stops.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Optional set-up through the builder.</param>
    /// <returns>The builder, for further set-up.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027:API with optional parameter(s) should have the most parameters amongst its public overloads",
        Justification = "The configuration overloads take a required IConfiguration first; no call can be ambiguous.")]
    public static IronRuntimeBuilder AddIronRuntime(this IServiceCollection services, Action<IronRuntimeBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        AddCore(services);
        var builder = new IronRuntimeBuilder(services, standalone: false);
        configure?.Invoke(builder);
        return builder;
    }

    /// <summary>Adds IronRuntime with its <see cref="RuntimeConfig"/> bound from <paramref name="configuration"/> (the <c>IronRuntime</c> section).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The <c>IronRuntime</c> section.</param>
    /// <returns>The builder.</returns>
    public static IronRuntimeBuilder AddIronRuntime(this IServiceCollection services, IConfiguration configuration)
        => services.AddIronRuntime(configuration, static _ => { });

    /// <summary>Adds IronRuntime with its <see cref="RuntimeConfig"/> bound from <paramref name="configuration"/>, then further set-up.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The <c>IronRuntime</c> section.</param>
    /// <param name="configure">Further set-up through the builder (applied after the binding).</param>
    /// <returns>The builder.</returns>
    public static IronRuntimeBuilder AddIronRuntime(this IServiceCollection services, IConfiguration configuration, Action<IronRuntimeBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = services.AddIronRuntime();
        builder.BindConfiguration(configuration);
        configure(builder);
        return builder;
    }

    internal static void AddCore(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(IronRuntimeMarker)))
        {
            return;
        }

        services.AddSingleton<IronRuntimeMarker>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddOptionsWithValidateOnStart<RuntimeConfig, RuntimeConfigAnnotationsValidator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RuntimeConfig>, RuntimeConfigValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<RuntimeConfig>, RuntimeConfigEnvironmentDefaults>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RuntimeConfig>, ResilienceConfigValidator>());

        services.TryAddSingleton<IOptions<PricingOptions>>(sp => Options.Options.Create(sp.GetRequiredService<IOptions<RuntimeConfig>>().Value.Pricing));
        services.TryAddSingleton<IModelPricing, PricingTable>();
        services.TryAddSingleton<IBudgetLedger>(static sp =>
        {
            var config = sp.GetRequiredService<IOptions<RuntimeConfig>>().Value;
            return new InMemoryBudgetLedger(config.EffectiveAlertThresholds, sp.GetRequiredService<TimeProvider>(), config.BudgetPeriod,
                TimeZoneInfo.FindSystemTimeZoneById(config.BudgetTimeZone));
        });
        services.TryAddSingleton<ILlmRequestGate, BudgetGate>();
        services.AddOptionsWithValidateOnStart<RateLimitOptions, IronRuntime.Budget.RateLimits.RateLimitOptionsValidator>();
        services.TryAddSingleton<IronRuntime.Budget.RateLimits.IRateLimits, IronRuntime.Budget.RateLimits.InProcessRateLimits>();
        services.TryAddSingleton<AgentMetricsCollector>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILlmCallObserver, AgentMetricsCollector>(sp => sp.GetRequiredService<AgentMetricsCollector>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILlmCallObserver, CallLogObserver>());
        services.TryAddSingleton<IRuntimeStateStore>(static sp =>
        {
            var state = sp.GetRequiredService<IOptions<RuntimeConfig>>().Value.State;
            return state.DatabasePath is { } path
                ? new SqliteRuntimeStateStore(path, state.QueueCapacity, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SqliteRuntimeStateStore>>())
                : new NullRuntimeStateStore();
        });
        services.TryAddSingleton<StateRestorer>();
        services.TryAddSingleton<StateRecorder>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILlmCallObserver, StateRecorder>(sp => sp.GetRequiredService<StateRecorder>()));
        services.TryAddSingleton<IronRuntime.Dashboard.RuntimeEventStream>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILlmCallObserver, IronRuntime.Dashboard.RuntimeEventStream>(sp => sp.GetRequiredService<IronRuntime.Dashboard.RuntimeEventStream>()));
        services.AddMetrics();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILlmCallObserver, RuntimeMetrics>());
        IronRuntime.Pii.Internal.PiiServices.Add(services);

        services.TryAddSingleton<BudgetDenialObserver>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILlmCallObserver, BudgetDenialObserver>(sp => sp.GetRequiredService<BudgetDenialObserver>()));

        services.TryAddSingleton<ProviderResilience>();
        services.TryAddSingleton<IProviderHealth>(sp => sp.GetRequiredService<ProviderResilience>());
        services.TryAddSingleton<ProviderHealthCheck>();
        services.TryAddSingleton<LedgerHealthCheck>();

        // The router package on its own terms: its options are RuntimeConfig.Router (validated with RuntimeConfig), its
        // upstream policy is the resilience subsystem — none when Resilience:Enabled is false (the factory's null
        // leaves the step out of the chain) — and its connect timeout is Resilience:ConnectTimeout either way.
        services.TryAddSingleton<IOptions<LlmRouterOptions>>(static sp => Options.Options.Create(sp.GetRequiredService<IOptions<RuntimeConfig>>().Value.Router));
        services.TryAddSingleton<ILlmUpstreamPolicy>(static sp => sp.GetRequiredService<IOptions<RuntimeConfig>>().Value.Resilience.Enabled
            ? sp.GetRequiredService<ProviderResilience>()
            : null!);
        services.TryAddSingleton(static sp => sp.GetRequiredService<ProviderResilience>().Timeouts);
        services.AddLlmRouter();
        services.TryAddSingleton(sp => new AgentRuntime(
            sp.GetRequiredService<IOptions<RuntimeConfig>>(),
            sp.GetRequiredService<LlmRouter>(),
            sp.GetRequiredService<LlmProxy>(),
            sp.GetRequiredService<IBudgetLedger>(),
            sp.GetRequiredService<AgentMetricsCollector>(),
            sp.GetRequiredService<BudgetDenialObserver>(),
            sp.GetRequiredService<StateRestorer>(),
            sp.GetRequiredService<IRuntimeStateStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<IProviderHealth>())
        {
            Services = sp,
            RateLimits = sp.GetRequiredService<IronRuntime.Budget.RateLimits.IRateLimits>(),
        });
        IronRuntime.ChatClients.Internal.ChatClientServices.Add(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, IronRuntimeHostedService>());
    }

    private sealed class IronRuntimeMarker;
}
