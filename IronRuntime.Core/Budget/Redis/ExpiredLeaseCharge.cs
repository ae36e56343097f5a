namespace IronRuntime.Budget;

/// <summary>What the Redis ledger charges for a reservation whose lease expired before it was settled.</summary>
public enum ExpiredLeaseCharge
{
    /// <summary>
    /// The reservation's worst case (the default): the provider may have billed the call in full, and the instance
    /// that knew its usage is gone. Never under-charges.
    /// </summary>
    WorstCase = 0,

    /// <summary>Nothing: the held money is released. Use only when the provider's bill is reconciled otherwise.</summary>
    Release = 1,
}
