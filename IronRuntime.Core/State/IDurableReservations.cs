namespace IronRuntime.State;

/// <summary>
/// A state store that makes a call's reservation durable before the call leaves the process, and replaces it with
/// the call's record when it is settled. After a crash, reservations never settled are charged in full.
/// </summary>
internal interface IDurableReservations
{
    /// <summary>Records a reservation; completes once it is committed (group commit with other writes).</summary>
    /// <returns>The reservation's durable id.</returns>
    ValueTask<long> ReserveAsync(string? agentId, string model, decimal amount);

    /// <summary>Queues the call's record in place of its reservation; never blocks, never dropped.</summary>
    void Settle(long reservationId, CallRecord record);

    /// <summary>Queues the removal of a reservation whose call was never sent.</summary>
    void Release(long reservationId);
}
