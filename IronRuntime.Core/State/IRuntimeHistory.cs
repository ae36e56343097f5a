namespace IronRuntime.State;

/// <summary>Queries over the recorded calls, for the dashboard's history endpoints. The SQLite store implements it.</summary>
internal interface IRuntimeHistory
{
    /// <summary>One page of call records, newest first.</summary>
    CallPage QueryCalls(CallQuery query);

    /// <summary>Spend per time bucket and per agent or model, oldest bucket first.</summary>
    IReadOnlyList<SpendPoint> QuerySpend(SpendQuery query);
}
