namespace IronRuntime.Budget.Redis;

/// <summary>
/// Money in Redis: integers of a nano-dollar (10⁻⁹ USD). Lua numbers are doubles, exact up to 2⁵³ units, so one
/// account holds up to about 9 million USD exactly. Every conversion rounds up: reservations, unit prices and
/// charges are never smaller than the decimal amounts they stand for.
/// </summary>
internal static class RedisMoney
{
    /// <summary>Units per USD.</summary>
    public const decimal UnitsPerUsd = 1_000_000_000m;

    /// <summary>The largest amount an account holds exactly (2⁵³ units).</summary>
    public const long MaxUnits = 9_007_199_254_740_992;

    /// <summary>USD to units, rounded up.</summary>
    public static long ToUnits(decimal usd)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(usd);
        decimal units = decimal.Ceiling(usd * UnitsPerUsd);
        return units > MaxUnits ? throw new ArgumentOutOfRangeException(nameof(usd), usd, "More than the Redis ledger holds exactly (about 9 million USD).") : (long)units;
    }

    /// <summary>Units to USD (exact).</summary>
    public static decimal ToUsd(long units) => units / UnitsPerUsd;
}
