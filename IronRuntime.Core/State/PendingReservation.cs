namespace IronRuntime.State;

/// <summary>A reservation waiting for its group commit.</summary>
internal sealed class PendingReservation(long id, DateTimeOffset timestamp, string? agentId, string model, decimal amount)
{
    public long Id { get; } = id;

    public DateTimeOffset Timestamp { get; } = timestamp;

    public string? AgentId { get; } = agentId;

    public string Model { get; } = model;

    public decimal Amount { get; } = amount;

    /// <summary>Completes (on the thread pool) once the reservation is committed, or fails with the write's error.</summary>
    public TaskCompletionSource<long> Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
