using IronRuntime.Pricing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IronRuntime;

/// <summary>
/// Configures IronRuntime: returned by <c>services.AddIronRuntime(...)</c> and by <see cref="AgentRuntime.CreateBuilder"/>.
/// Every subsystem is an interface registered with <c>TryAdd</c>: register your own implementation in
/// <see cref="Services"/> to replace the default.
/// </summary>
public sealed class IronRuntimeBuilder
{
    /// <summary>The name of the <see cref="IHttpClientFactory"/> client whose handler carries calls to the providers.</summary>
    public const string UpstreamClientName = LlmRouterServiceCollectionExtensions.UpstreamClientName;

    private readonly bool _standalone;

    internal IronRuntimeBuilder(IServiceCollection services, bool standalone)
    {
        Services = services;
        _standalone = standalone;
    }

    /// <summary>The service collection the runtime is registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Changes the <see cref="RuntimeConfig"/>.</summary>
    /// <param name="configure">The change.</param>
    /// <returns>This builder.</returns>
    public IronRuntimeBuilder Configure(Action<RuntimeConfig> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>Binds the <see cref="RuntimeConfig"/> from a configuration section (usually <c>IronRuntime</c>).</summary>
    /// <param name="section">The section.</param>
    /// <returns>This builder.</returns>
    public IronRuntimeBuilder BindConfiguration(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        // IronRuntime:Budget is both the global limit and the parent of Budget:RateLimits and Budget:Redis: with only
        // the children set, the binder would turn the valueless section into a limit of 0.
        Services.Configure<RuntimeConfig>(c =>
        {
            decimal? budget = c.Budget;
            section.Bind(c);
            if (section.GetSection(nameof(RuntimeConfig.Budget)).Value is null)
            {
                c.Budget = budget;
            }
        });
        Services.Configure<Budget.RateLimitOptions>(section.GetSection("Budget:RateLimits"));
        return this;
    }

    /// <summary>Sets the global budget in USD.</summary>
    /// <param name="usd">The limit across all agents.</param>
    /// <returns>This builder.</returns>
    public IronRuntimeBuilder WithBudget(decimal usd) => Configure(c => c.Budget = usd);

    /// <summary>Sets the budget each agent gets unless its start options say otherwise.</summary>
    /// <param name="usd">The per-agent limit.</param>
    /// <returns>This builder.</returns>
    public IronRuntimeBuilder WithDefaultAgentBudget(decimal usd) => Configure(c => c.DefaultAgentBudget = usd);

    /// <summary>Sets the alert thresholds, as fractions of a limit (for example 0.5, 0.8, 1.0).</summary>
    /// <param name="thresholds">The fractions.</param>
    /// <returns>This builder.</returns>
    public IronRuntimeBuilder WithAlertThresholds(params decimal[] thresholds) => Configure(c => c.AlertThresholds = thresholds);

    /// <summary>
    /// Limits the calls in flight at once (in process and from child processes together): beyond
    /// <paramref name="maxCalls"/> in all, or <paramref name="maxCallsPerAgent"/> for one agent, a new call gets a
    /// provider-shaped 503 with <c>Retry-After</c> (<c>iron_runtime_overloaded</c>) while the open ones go on. A stream
    /// counts until it ends. Null leaves that limit off.
    /// </summary>
    /// <param name="maxCalls">The global limit, or null.</param>
    /// <param name="maxCallsPerAgent">The limit per agent, or null.</param>
    /// <returns>This builder.</returns>
    public IronRuntimeBuilder WithConcurrencyLimits(int? maxCalls, int? maxCallsPerAgent = null)
        => Configure(c => { c.Router.MaxConcurrentCalls = maxCalls; c.Router.MaxConcurrentCallsPerCaller = maxCallsPerAgent; });

    /// <summary>Configures OpenAI: the real key and, optionally, another endpoint.</summary>
    /// <param name="apiKey">The real key (null: <c>OPENAI_API_KEY</c> from the environment).</param>
    /// <param name="baseUrl">The endpoint, or null for the public one.</param>
    /// <returns>This builder.</returns>
    public IronRuntimeBuilder UseOpenAI(string? apiKey, Uri? baseUrl = null)
        => Configure(c => { c.Router.OpenAI.ApiKey = apiKey; c.Router.OpenAI.BaseUrl = baseUrl ?? c.Router.OpenAI.BaseUrl; });

    /// <summary>Configures Anthropic: the real key and, optionally, another endpoint.</summary>
    /// <param name="apiKey">The real key (null: <c>ANTHROPIC_API_KEY</c> from the environment).</param>
    /// <param name="baseUrl">The endpoint, or null for the public one.</param>
    /// <returns>This builder.</returns>
    public IronRuntimeBuilder UseAnthropic(string? apiKey, Uri? baseUrl = null)
        => Configure(c => { c.Router.Anthropic.ApiKey = apiKey; c.Router.Anthropic.BaseUrl = baseUrl ?? c.Router.Anthropic.BaseUrl; });

    /// <summary>
    /// Answers every call from the built-in simulated provider: deterministic OpenAI- and Anthropic-format replies,
    /// streaming and not, with realistic usage, and no network. For development, demos and CI.
    /// </summary>
    /// <returns>This builder.</returns>
    public IronRuntimeBuilder UseSimulatedProvider() => Configure(c => c.Router.UseSimulatedProvider = true);

    /// <summary>Loads a pricing map in the LiteLLM JSON format; its entries override the shipped table.</summary>
    /// <param name="path">The file.</param>
    /// <returns>This builder.</returns>
    public IronRuntimeBuilder AddPricingFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Configure(c => c.Pricing.PricingFile = path);
    }

    /// <summary>Sets the price of one model, over every other source.</summary>
    /// <param name="model">The model id.</param>
    /// <param name="price">Its price.</param>
    /// <returns>This builder.</returns>
    public IronRuntimeBuilder OverridePrice(string model, ModelPrice price)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentNullException.ThrowIfNull(price);
        return Configure(c => c.Pricing.Overrides[model] = price);
    }

    /// <summary>
    /// Sets the price of one use of a tool the provider runs (<see cref="PricingOptions.ToolPrices"/>), over the
    /// shipped default: for example <c>SetToolPrice("code_interpreter.4g", 0.15m)</c> for your price of 4 GB containers.
    /// </summary>
    /// <param name="tool">The tool kind (<c>file_search</c>, <c>image_generation.high.1024x1024</c>, <c>web_search_preview@gpt-4.1</c>…).</param>
    /// <param name="usdPerUse">The price of one use in US dollars.</param>
    /// <returns>This builder.</returns>
    public IronRuntimeBuilder SetToolPrice(string tool, decimal usdPerUse)
    {
        ArgumentException.ThrowIfNullOrEmpty(tool);
        ArgumentOutOfRangeException.ThrowIfNegative(usdPerUse);
        return Configure(c => c.Pricing.ToolPrices[tool] = usdPerUse);
    }

    /// <summary>
    /// Persists every call (usage, cost, outcome — never content) to a SQLite database and charges the spend recorded
    /// there to the budgets at start-up, so limits hold across restarts.
    /// </summary>
    /// <param name="databasePath">The database file; created when missing.</param>
    /// <returns>This builder.</returns>
    public IronRuntimeBuilder UseSqliteState(string databasePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        return Configure(c => c.State.DatabasePath = databasePath);
    }

    /// <summary>Configures logging (standalone runtimes only; in a host, configure the host's logging).</summary>
    /// <param name="configure">The logging set-up.</param>
    /// <returns>This builder.</returns>
    public IronRuntimeBuilder ConfigureLogging(Action<ILoggingBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.AddLogging(configure);
        return this;
    }

    /// <summary>Builds a standalone runtime (from <see cref="AgentRuntime.CreateBuilder"/>). In a host, resolve <see cref="AgentRuntime"/> instead.</summary>
    /// <returns>The runtime; dispose it to stop every agent and release its services.</returns>
    /// <exception cref="InvalidOperationException">The builder came from <c>AddIronRuntime</c>, or the configuration is invalid.</exception>
    public AgentRuntime Build()
    {
        if (!_standalone)
        {
            throw new InvalidOperationException("This builder belongs to a service collection: resolve AgentRuntime from the built service provider instead of calling Build().");
        }

        var provider = Services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        try
        {
            var runtime = provider.GetRequiredService<AgentRuntime>();
            runtime.OwnedServices = provider;
            return runtime;
        }
        catch
        {
            // Asynchronously: the SQLite store has only DisposeAsync, and a synchronous Dispose would throw over the cause.
            provider.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    internal static IronRuntimeBuilder CreateStandalone()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var builder = new IronRuntimeBuilder(services, standalone: true);
        IronRuntimeServiceCollectionExtensions.AddCore(services);
        return builder;
    }
}
