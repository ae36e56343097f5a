using System.Diagnostics.CodeAnalysis;
using Polly;

namespace IronRuntime.Router;

/// <summary>
/// The policy of the provider hop, supplied to the router the way <c>Microsoft.Extensions.Http.Resilience</c>'s
/// <c>ResilienceHandler</c> takes a pipeline provider: which endpoints a call may go to and in what order, and the
/// Polly pipelines around them. The router owns the mechanism — rebuilding the request for another endpoint, injecting
/// its key, translating between OpenAI Chat Completions and Anthropic Messages, reading answers, its error shapes.
/// </summary>
/// <remarks>
/// Called twice per call: <see cref="TryRoute"/> at step 5 of the chain (<see cref="LlmRouter"/>), before the request
/// gate, so that a call nobody can serve is refused before anything is reserved; the route's endpoints' pipelines at
/// step 8, above the primary handler, inside <see cref="CallPipeline"/>. The router applies <see cref="Timeouts"/> itself:
/// <see cref="LlmUpstreamTimeouts.FirstByte"/> around each attempt, innermost in the endpoint's pipeline (a cut attempt
/// is a Polly <c>TimeoutRejectedException</c> that breakers and retries see), and <see cref="LlmUpstreamTimeouts.Total"/>
/// around the whole call (504); the pipelines need no timeout strategy of their own.
/// </remarks>
public interface ILlmUpstreamPolicy
{
    /// <summary>
    /// Chooses the targets <paramref name="call"/> may be sent to, in order, leaving out endpoints that cannot take it now
    /// (an open circuit, no key).
    /// </summary>
    /// <param name="call">The parsed call, not yet admitted by the gate.</param>
    /// <param name="route">The targets, when at least one can take the call.</param>
    /// <param name="unavailable">Otherwise: which endpoint was asked for and when to retry, or that no target has a key.</param>
    /// <returns>False when the call must fail fast without being sent (and without anything reserved).</returns>
    bool TryRoute(LlmCall call, [NotNullWhen(true)] out LlmUpstreamRoute? route, out LlmUpstreamUnavailable unavailable);

    /// <summary>The keys of every endpoint a route may name, so that provider error bodies can be scrubbed of them.</summary>
    IEnumerable<string?> ApiKeys { get; }

    /// <summary>
    /// A pipeline around the whole call — every target, attempt and retry — or <c>ResiliencePipeline&lt;HttpResponseMessage&gt;.Empty</c>
    /// (then skipped). The whole call's time limit is <see cref="LlmUpstreamTimeouts.Total"/>, applied by the router.
    /// </summary>
    ResiliencePipeline<HttpResponseMessage> CallPipeline { get; }

    /// <summary>The limits the router applies (each attempt's first byte, the whole call, streamed answers) and states in its errors.</summary>
    LlmUpstreamTimeouts Timeouts { get; }

    /// <summary>The output limit to give a request translated to Anthropic Messages that set none (Messages requires one).</summary>
    /// <param name="model">The target's model.</param>
    /// <returns>The model's maximum output tokens when known, or a default.</returns>
    long DefaultMaxOutputTokens(string model);
}
