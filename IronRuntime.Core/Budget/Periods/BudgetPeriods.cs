using System.Globalization;

namespace IronRuntime.Budget.Periods;

/// <summary>
/// The one definition of budget periods, used by the in-memory ledger, the restore from SQLite and the Redis ledger:
/// calendar days, ISO weeks (from Monday) and months, starting at local midnight in a time zone. A period is named by
/// the local date it starts on (<c>d2026-11-26</c>, <c>w2026-11-23</c> for the week from that Monday, <c>m2026-11</c>),
/// or <c>all</c> without a period.
/// </summary>
internal static class BudgetPeriods
{
    /// <summary>The name of the period <paramref name="now"/> falls in.</summary>
    public static string Name(BudgetPeriod period, TimeZoneInfo zone, DateTimeOffset now)
    {
        if (period == BudgetPeriod.None)
        {
            return "all";
        }

        var first = FirstDay(period, TimeZoneInfo.ConvertTime(now, zone).Date);
        return period == BudgetPeriod.Monthly
            ? "m" + first.ToString("yyyy-MM", CultureInfo.InvariantCulture)
            : (period == BudgetPeriod.Weekly ? "w" : "d") + first.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The instants the period of <paramref name="now"/> starts and ends (the next one starts): local midnight of its
    /// first day and of the next period's, in <paramref name="zone"/>. Without a period: all of time.
    /// </summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Bounds(BudgetPeriod period, TimeZoneInfo zone, DateTimeOffset now)
    {
        if (period == BudgetPeriod.None)
        {
            return (DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        }

        var first = FirstDay(period, TimeZoneInfo.ConvertTime(now, zone).Date);
        var next = period switch
        {
            BudgetPeriod.Daily => first.AddDays(1),
            BudgetPeriod.Weekly => first.AddDays(7),
            _ => first.AddMonths(1),
        };
        return (Midnight(first, zone), Midnight(next, zone));
    }

    private static DateTime FirstDay(BudgetPeriod period, DateTime localDate) => period switch
    {
        BudgetPeriod.Daily => localDate,
        BudgetPeriod.Weekly => localDate.AddDays(-(((int)localDate.DayOfWeek + 6) % 7)),
        BudgetPeriod.Monthly => new DateTime(localDate.Year, localDate.Month, 1, 0, 0, 0, DateTimeKind.Unspecified),
        _ => throw new ArgumentOutOfRangeException(nameof(period), period, "Unknown budget period."),
    };

    /// <summary>The instant a local day starts: its midnight, or the first valid local time when a clock change skips midnight.</summary>
    private static DateTimeOffset Midnight(DateTime date, TimeZoneInfo zone)
    {
        var local = DateTime.SpecifyKind(date.Date, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }
}
