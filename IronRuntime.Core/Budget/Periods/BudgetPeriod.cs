namespace IronRuntime.Budget;

/// <summary>The period budget limits apply to (in memory, across restarts and in Redis); spend starts again at zero in each new period.</summary>
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
