using IronRuntime.Budget;
using IronRuntime.Budget.RateLimits;
using IronRuntime.Pricing;
using IronRuntime.Router;
using IronRuntime.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IronRuntime.Tests.Budget;

/// <summary>
/// A <see cref="BudgetGate"/> over the test's own price table and ledger, for tests of the gate's decisions without
/// HTTP. Its <see cref="StateRestorer"/> comes from a runtime without state (nothing to restore). Prices, per token:
/// <c>m-long</c> $1 / M input, $4 / M output, at most 4,000 output tokens; <c>m-short</c> $2 / M, $8 / M, at most
/// 1,000; <c>m-open</c> $1 / M, $4 / M, no output limit in the table; <c>gpt-4o-mini</c> (here, so that its tokenizer
/// counts prompts) $1 / M, $4 / M, at most 16,384.
/// </summary>
internal sealed class GateFixture : IAsyncDisposable
{
    private readonly AgentRuntime _runtime;

    private GateFixture(AgentRuntime runtime, IBudgetLedger ledger, RuntimeConfig config, IRateLimits? rates, IRuntimeStateStore? store)
    {
        _runtime = runtime;
        var services = runtime.Services!;
        Ledger = ledger;
        Gate = new BudgetGate(ledger, Prices(), Options.Create(config), new FakeLogger<BudgetGate>(Logs),
            services.GetRequiredService<StateRestorer>(), store ?? new NullRuntimeStateStore(), rates ?? services.GetRequiredService<IRateLimits>());
    }

    public IBudgetLedger Ledger { get; }

    public FakeLogCollector Logs { get; } = new();

    public BudgetGate Gate { get; }

    /// <summary>A gate over <paramref name="ledger"/> (a new in-memory one, global limit <paramref name="limit"/>, when null).</summary>
    public static GateFixture Create(decimal? limit, Action<RuntimeConfig>? configure = null, IBudgetLedger? ledger = null,
        IRateLimits? rates = null, IRuntimeStateStore? store = null)
    {
        var config = new RuntimeConfig();
        configure?.Invoke(config);
        if (ledger is null)
        {
            ledger = new InMemoryBudgetLedger([], new FakeTimeProvider());
            ledger.SetLimit(null, limit);
        }

        return new GateFixture(AgentRuntime.CreateBuilder().Build(), ledger, config, rates, store);
    }

    /// <summary>A chat call of agent a1 to <paramref name="model"/> with an input bound of 100 tokens.</summary>
    public static LlmCall Call(string model, long? maxOutputTokens = null, LlmBillingFactors? billing = null, params string[] fallbacks)
        => new("a1", 0)
        {
            Provider = LlmProvider.OpenAI,
            Api = LlmApi.ChatCompletions,
            Model = model,
            FallbackModels = fallbacks,
            RequestedMaxOutputTokens = maxOutputTokens,
            InputTokenBound = 100,
            Billing = billing ?? new LlmBillingFactors(),
        };

    public ValueTask DisposeAsync() => _runtime.DisposeAsync();

    private static PricingTable Prices()
    {
        var options = new PricingOptions { IncludeShippedTable = false };
        options.Overrides["m-long"] = new ModelPrice { InputPerToken = 0.000001m, OutputPerToken = 0.000004m, MaxOutputTokens = 4_000 };
        options.Overrides["m-short"] = new ModelPrice { InputPerToken = 0.000002m, OutputPerToken = 0.000008m, MaxOutputTokens = 1_000 };
        options.Overrides["m-open"] = new ModelPrice { InputPerToken = 0.000001m, OutputPerToken = 0.000004m };
        options.Overrides["gpt-4o-mini"] = new ModelPrice { InputPerToken = 0.000001m, OutputPerToken = 0.000004m, MaxOutputTokens = 16_384 };
        return PricingTable.Create(options);
    }
}
