namespace IronRuntime.State;

/// <summary>Replaces a durable reservation with its call's record (or, with no record, removes it).</summary>
internal sealed record ReservationSettlement(long ReservationId, CallRecord? Record);
