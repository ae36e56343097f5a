using System.ComponentModel.DataAnnotations;

namespace IronRuntime.Budget;

/// <summary>
/// The Redis budget ledger (<c>UseRedisBudgetLedger</c>): one budget shared by every runtime instance that points at
/// the same Redis and key prefix. Bound from <c>IronRuntime:Budget:Redis</c> when the application has configuration.
/// </summary>
public sealed class RedisBudgetOptions
{
    /// <summary>
    /// The StackExchange.Redis connection string (for example <c>localhost:6379</c>), or null to take the
    /// <c>IConnectionMultiplexer</c> registered in the application's services.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Prefix of every key, so several applications can share one Redis. It becomes the hash tag of the keys
    /// (<c>{prefix}:…</c>), which puts one budget's keys in one cluster slot; it must not contain braces.
    /// </summary>
    [Required]
    [RegularExpression("^[^{}]{1,100}$")]
    public string KeyPrefix { get; set; } = "ironruntime";

    /// <summary>
    /// How long a reservation outlives its instance's last renewal. Live calls and streams are renewed every
    /// <see cref="RenewInterval"/>; the reservations of an instance that died are charged (see
    /// <see cref="ExpiredLeaseCharge"/>) once this much time has passed on Redis's clock. Default 30 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "1.00:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often an instance renews its live reservations and charges expired ones; null for a third of <see cref="LeaseDuration"/>.</summary>
    public TimeSpan? RenewInterval { get; set; }

    /// <summary>What an expired reservation (its instance died or lost Redis for longer than the lease) is charged. Default: its worst case.</summary>
    public ExpiredLeaseCharge ExpiredLeaseCharge { get; set; } = ExpiredLeaseCharge.WorstCase;

    /// <summary>
    /// Opt-in: USD each instance may spend on its own while Redis cannot be reached, charged to Redis when it comes
    /// back. Null (the default) fails closed: while Redis is away every call that needs a reservation is refused with
    /// 503 <c>iron_runtime_budget_unavailable</c>. With an allowance the fleet can overspend by up to the allowance
    /// times the number of instances.
    /// </summary>
    [Range(typeof(decimal), "0", "1000000")]
    public decimal? LocalAllowance { get; set; }

    /// <summary>
    /// The period the limits apply to (global and per agent): <see cref="BudgetPeriod.None"/> (the default), daily,
    /// weekly or monthly, calendar-aligned in <see cref="TimeZone"/>. A call is charged to the period it was reserved in.
    /// </summary>
    public BudgetPeriod Period { get; set; }

    /// <summary>The time zone periods are aligned to (an IANA or Windows id). Default <c>UTC</c>.</summary>
    [Required]
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Milliseconds a Redis command may take before the call is refused as unavailable. Default 2000.</summary>
    [Range(50, 60_000)]
    public int CommandTimeoutMilliseconds { get; set; } = 2000;
}
