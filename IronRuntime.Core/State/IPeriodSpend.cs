namespace IronRuntime.State;

/// <summary>A state store that can tell the spend recorded since an instant: what a restart restores within a budget period.</summary>
internal interface IPeriodSpend
{
    /// <summary>
    /// The spend of the calls recorded at or after <paramref name="start"/> (a whole minute), per agent id; the empty
    /// id for calls outside any agent. A call is recorded at its end; one a crash left unsettled at its reservation.
    /// </summary>
    IReadOnlyDictionary<string, decimal> SpendSince(DateTimeOffset start);
}
