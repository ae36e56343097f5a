using IronRuntime.Router;

namespace IronRuntime.Resilience.Internal;

internal sealed partial class ResilienceStage
{
    private static byte[] TranslateRequest(LlmCall call, CallTarget target)
        => throw new NotSupportedException($"Translation from {target.ClientApi} to {target.Api} is not available.");

    private static ValueTask<HttpResponseMessage> TranslateAsync(HttpResponseMessage response, LlmCall call, CallTarget target, CancellationToken cancellationToken)
        => throw new NotSupportedException($"Translation from {target.Api} to {target.ClientApi} is not available.");
}
