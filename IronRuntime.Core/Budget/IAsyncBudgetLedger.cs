namespace IronRuntime.Budget;

/// <summary>
/// A ledger whose steps cross the network (Redis): the gate reserves through these so that no thread blocks on a
/// round trip. The synchronous <see cref="IBudgetLedger"/> members stay for everything else.
/// </summary>
internal interface IAsyncBudgetLedger
{
    /// <summary>As <see cref="IBudgetLedger.TryReserve"/>; throws <see cref="BudgetUnavailableException"/> when the ledger cannot be reached.</summary>
    ValueTask<(bool Reserved, BudgetReservation Reservation)> TryReserveAsync(string? agentId, decimal fixedCost, decimal unitCost, long minUnits, long maxUnits);

    /// <summary>As <see cref="IBudgetLedger.GetSnapshot"/>.</summary>
    ValueTask<BudgetSnapshot> GetSnapshotAsync(string? agentId);
}
