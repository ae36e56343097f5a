namespace IronRuntime.Budget;

/// <summary>
/// A ledger whose limits are shared by a fleet (Redis): a limit set at run time is written for every instance, while
/// a limit from configuration only seeds one the shared store does not have yet.
/// </summary>
internal interface ISharedLimits
{
    /// <summary>Sets the limit only when the shared store has none for the account (null: nothing to seed).</summary>
    void SeedLimit(string? agentId, decimal? limit);
}
