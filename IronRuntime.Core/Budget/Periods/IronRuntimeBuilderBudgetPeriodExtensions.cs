using IronRuntime.Budget;

namespace IronRuntime;

/// <summary>Budget periods on the <see cref="IronRuntimeBuilder"/>.</summary>
public static class IronRuntimeBuilderBudgetPeriodExtensions
{
    /// <summary>
    /// Makes the limits (global and per agent) apply per <paramref name="period"/>, from local midnight in
    /// <paramref name="timeZone"/> (<see cref="RuntimeConfig.BudgetPeriod"/>, <see cref="RuntimeConfig.BudgetTimeZone"/>).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="period">Daily, weekly (ISO, from Monday) or monthly; <see cref="BudgetPeriod.None"/> for all time.</param>
    /// <param name="timeZone">An IANA or Windows time zone id.</param>
    /// <returns>The builder.</returns>
    public static IronRuntimeBuilder WithBudgetPeriod(this IronRuntimeBuilder builder, BudgetPeriod period, string timeZone = "UTC")
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(timeZone);
        return builder.Configure(c =>
        {
            c.BudgetPeriod = period;
            c.BudgetTimeZone = timeZone;
        });
    }
}
