namespace IronRuntime.Budget;

/// <summary>The period a shared (Redis) budget's limits apply to; spend starts again at zero in each new period.</summary>
public enum BudgetPeriod
{
    /// <summary>No period: the limits hold for all time (the default).</summary>
    None = 0,

    /// <summary>Calendar days, from midnight in the configured time zone.</summary>
    Daily = 1,

    /// <summary>ISO weeks, from Monday midnight in the configured time zone.</summary>
    Weekly = 2,

    /// <summary>Calendar months, from the first at midnight in the configured time zone.</summary>
    Monthly = 3,
}
