using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using IronRuntime.Pricing;
using IronRuntime.Router;

namespace IronRuntime;

/// <summary>
/// The runtime's configuration. Bindable from the <c>IronRuntime</c> configuration section and validated when
/// the runtime starts.
/// </summary>
public sealed class RuntimeConfig
{
    /// <summary>The configuration section name: <c>IronRuntime</c>.</summary>
    public const string SectionName = "IronRuntime";

    /// <summary>The global budget in USD across all agents; null for unlimited.</summary>
    [Range(typeof(decimal), "0", "79228162514264337593543950335")]
    public decimal? Budget { get; set; }

    /// <summary>The budget each agent gets unless its start options say otherwise; null for none.</summary>
    [Range(typeof(decimal), "0", "79228162514264337593543950335")]
    public decimal? DefaultAgentBudget { get; set; }

    /// <summary>
    /// The period the limits (global and per agent) apply to: <see cref="Budget.BudgetPeriod.None"/> (the default: for
    /// all time), daily, weekly (ISO, from Monday) or monthly, from local midnight in <see cref="BudgetTimeZone"/>. Spend
    /// starts again at zero in each period; a call is charged to the period it was reserved in. With SQLite state a
    /// restart brings back the current period's spend only. The Redis ledger uses it too unless its own
    /// <see cref="Budget.RedisBudgetOptions.Period"/> is set.
    /// </summary>
    public Budget.BudgetPeriod BudgetPeriod { get; set; }

    /// <summary>The time zone <see cref="BudgetPeriod"/> is aligned to (an IANA or Windows id). Default <c>UTC</c>.</summary>
    public string BudgetTimeZone { get; set; } = "UTC";

    /// <summary>Log every LLM call (model, tokens, cost) at Information level.</summary>
    public bool Verbose { get; set; }

    /// <summary>
    /// Fractions of a limit at which a <see cref="Budget.BudgetAlert"/> is raised, once per crossing.
    /// Null means 0.5, 0.8 and 1.0.
    /// </summary>
    public decimal[]? AlertThresholds { get; set; }

    /// <summary>
    /// Refuse (HTTP 400) a call to a model with no known price while a budget applies (default true).
    /// When false, such calls are tracked in tokens only.
    /// </summary>
    public bool RejectUnpricedModels { get; set; } = true;

    /// <summary>
    /// The output-token limit assumed for a request that sets none, when the pricing table does not know the
    /// model's maximum (default 16,384).
    /// </summary>
    [Range(1, int.MaxValue)]
    public int DefaultMaxOutputTokens { get; set; } = 16_384;

    /// <summary>
    /// When a request sets no output limit and the budget cannot afford the model's maximum, the runtime imposes
    /// the largest limit it affords — but never less than this many tokens; below it the call is refused (default 1).
    /// </summary>
    [Range(1, int.MaxValue)]
    public int MinimumImposedOutputTokens { get; set; } = 1;

    /// <summary>
    /// While a budget applies, a request carrying a member whose cost the runtime cannot bound (a tool the provider
    /// runs, <c>background</c>, <c>previous_response_id</c>, <c>prediction</c>, <c>mcp_servers</c>… — see
    /// docs/budgets.md) is refused with 400 <c>iron_runtime_unbounded_cost</c>. Set this to admit such requests with
    /// this many US dollars reserved per call on top of their bounded part: your statement of the most such a member
    /// can add. The call is still charged what the provider reports. Null (default): refused.
    /// </summary>
    [Range(typeof(decimal), "0", "79228162514264337593543950335")]
    public decimal? UnboundedCostAllowance { get; set; }

    /// <summary>
    /// The service tier an OpenAI request without <c>service_tier</c> (or with <c>auto</c>) is billed at — your
    /// project's default: <c>default</c> (null), <c>priority</c> or <c>flex</c>. Reservations and charges use that
    /// tier's prices from the pricing table.
    /// </summary>
    public string? DefaultServiceTier { get; set; }

    /// <summary>The LLM router: provider endpoints, real keys, limits, simulated provider.</summary>
    [ValidateObjectMembers]
    public LlmRouterOptions Router { get; set; } = new();

    /// <summary>The pricing map: an optional user file in the LiteLLM format and per-model overrides.</summary>
    public PricingOptions Pricing { get; set; } = new();

    /// <summary>Persistence of calls and spend across restarts.</summary>
    [ValidateObjectMembers]
    public State.StateOptions State { get; set; } = new();

    /// <summary>Detection of personal data and secrets: modes per direction, entity types, replacements, audit.</summary>
    [ValidateObjectMembers]
    public Pii.PiiOptions Pii { get; set; } = new();

    /// <summary>Reliability: circuit breakers per provider endpoint, retries, timeouts and failover.</summary>
    [ValidateObjectMembers]
    public Resilience.ResilienceOptions Resilience { get; set; } = new();

    /// <summary>Linux hardening of the host while process agents run: non-dumpable, child subreaper (both on by default).</summary>
    public Agents.ProcessHardeningOptions ProcessHardening { get; set; } = new();

    /// <summary>The thresholds in force.</summary>
    internal IReadOnlyList<decimal> EffectiveAlertThresholds => AlertThresholds is { Length: > 0 } t ? t : [0.5m, 0.8m, 1.0m];
}
