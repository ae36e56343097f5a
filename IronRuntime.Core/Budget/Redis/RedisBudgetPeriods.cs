using System.Globalization;

namespace IronRuntime.Budget.Redis;

/// <summary>
/// Names budget periods: the local date their period starts on, in the configured time zone (<c>d2026-11-26</c>,
/// <c>w2026-11-23</c> for the week from that Monday, <c>m2026-11</c>), or <c>all</c> without a period. Account keys carry
/// the name, so a new period starts from empty accounts and the rollover is a change of key: no reset that concurrent
/// calls could straddle.
/// </summary>
internal static class RedisBudgetPeriods
{
    public static string Name(BudgetPeriod period, TimeZoneInfo zone, DateTimeOffset now)
    {
        if (period == BudgetPeriod.None)
        {
            return "all";
        }

        var local = TimeZoneInfo.ConvertTime(now, zone).Date;
        return period switch
        {
            BudgetPeriod.Daily => "d" + local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            BudgetPeriod.Weekly => "w" + local.AddDays(-(((int)local.DayOfWeek + 6) % 7)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            BudgetPeriod.Monthly => "m" + local.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            _ => throw new ArgumentOutOfRangeException(nameof(period), period, "Unknown budget period."),
        };
    }
}
