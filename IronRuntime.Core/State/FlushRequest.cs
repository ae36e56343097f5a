namespace IronRuntime.State;

/// <summary>A marker in the write queue: completed once everything queued before it is committed.</summary>
internal sealed class FlushRequest
{
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
