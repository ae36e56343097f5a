namespace IronRuntime.Router;

/// <summary>
/// Decides, before a call is sent upstream, whether it may go ahead — for example by reserving budget.
/// </summary>
/// <remarks>
/// The gate sees the parsed call (provider, model, token bounds). When it admits the call it may hand back
/// an <see cref="ILlmCallLease"/>; the router completes that lease exactly once, when the call has ended,
/// with the call's final <see cref="LlmCall.Usage"/> — whether it succeeded, failed or was cancelled.
/// </remarks>
public interface ILlmRequestGate
{
    /// <summary>Admits or denies <paramref name="call"/>.</summary>
    /// <param name="call">The call about to be sent.</param>
    /// <param name="cancellationToken">Cancels the decision.</param>
    /// <returns>The decision.</returns>
    ValueTask<LlmGateDecision> EnterAsync(LlmCall call, CancellationToken cancellationToken);
}

/// <summary>What a gate holds for an admitted call until the call ends.</summary>
public interface ILlmCallLease
{
    /// <summary>Called exactly once when <paramref name="call"/> has ended; settles what it held.</summary>
    /// <param name="call">The ended call, with its final usage and outcome.</param>
    void Complete(LlmCall call);
}

/// <summary>Observes every completed call (metrics, analytics, logs). Must not throw and must not block.</summary>
public interface ILlmCallObserver
{
    /// <summary>Called once per call after it ended and after any lease was completed.</summary>
    /// <param name="call">The ended call.</param>
    void OnCallCompleted(LlmCall call);
}
