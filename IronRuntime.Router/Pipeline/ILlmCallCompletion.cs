namespace IronRuntime.Router;

/// <summary>Ends a call exactly once: records the outcome, completes the gate's lease, notifies observers.</summary>
internal interface ILlmCallCompletion
{
    /// <summary>Ends <paramref name="call"/> with <paramref name="outcome"/>; later calls for the same call are ignored.</summary>
    void Complete(LlmCall call, LlmCallOutcome outcome);
}
