using Microsoft.Extensions.Logging;

namespace IronRuntime.Router.Pipeline;

/// <summary>
/// A stage of the chain (<see cref="LlmRouter"/>) that acts on routed calls only: a request that carries no call passes
/// through untouched; a call goes to <see cref="SendAsync(HttpRequestMessage, LlmCall, CancellationToken)"/>, which either
/// sends it on (<see cref="Next"/>) or answers it itself after ending it (<see cref="End"/>).
/// </summary>
/// <param name="services">What the router's stages share: the completion of the calls the stage answers itself, the logger.</param>
internal abstract class CallStage(CallStageServices services) : DelegatingHandler
{
    private readonly ILlmCallCompletion _completion = services.Completion;

    /// <summary>The router's logger.</summary>
    protected ILogger Logger { get; } = services.Logger;

    /// <inheritdoc />
    protected sealed override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        => RoutedRequestMessage.TryGetCall(request, out var call)
            ? SendAsync(request, call, cancellationToken)
            : base.SendAsync(request, cancellationToken);

    /// <summary>Handles a routed call: <see cref="Next"/>, or an answer of the stage's own.</summary>
    /// <param name="request">The request.</param>
    /// <param name="call">Its call.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer.</returns>
    protected abstract Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, LlmCall call, CancellationToken cancellationToken);

    /// <summary>Sends the request on to the next stage.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The next stage's answer.</returns>
    protected Task<HttpResponseMessage> Next(HttpRequestMessage request, CancellationToken cancellationToken)
        => base.SendAsync(request, cancellationToken);

    /// <summary>Ends a call the stage answers itself, with <paramref name="status"/> and <paramref name="outcome"/>.</summary>
    /// <param name="call">The call.</param>
    /// <param name="status">The status of the stage's answer.</param>
    /// <param name="outcome">How the call ended.</param>
    protected void End(LlmCall call, int status, LlmCallOutcome outcome)
    {
        call.StatusCode = status;
        _completion.Complete(call, outcome);
    }
}
