using IronRuntime.Router;
using IronRuntime.Telemetry;
using Microsoft.Extensions.AI;

namespace IronRuntime.ChatClients.Internal;

/// <summary>
/// The <c>UseIronRuntime()</c> middleware: governs any <see cref="IChatClient"/> with the runtime's ledger, prices,
/// PII policy and per-provider breakers. Before a call: PII policy on the prompt texts, breaker check, worst case
/// (prompt token bound × input rate + output limit × output rate) reserved against every budget that applies, the output
/// limit set to what was reserved when the call set none. After it: the reservation settled at the reported
/// <see cref="UsageDetails"/> (or an estimate, flagged, when none came), the PII policy applied to the answer.
/// A refusal throws an <see cref="IronRuntimeCallRefusedException"/>.
/// </summary>
/// <remarks>
/// Calls of a client the router already governs on the wire (<see cref="WireGovernedChatClient"/>, found through
/// <see cref="IChatClient.GetService"/>) pass through untouched: they are charged once, on the wire.
/// </remarks>
internal sealed partial class IronRuntimeChatClient : DelegatingChatClient
{
    private readonly ChatGovernor _governor;
    private readonly IronRuntimeChatClientOptions _options;

    public IronRuntimeChatClient(IChatClient innerClient, ChatGovernor governor, IronRuntimeChatClientOptions options)
        : base(innerClient)
    {
        _governor = governor;
        _options = options;
    }

    /// <summary>Whether the inner client is already governed on the wire.</summary>
    private bool WireGoverned => InnerClient.GetService(typeof(WireGovernedChatClient)) is not null;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (WireGoverned)
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }

        var (admission, sent, effective) = await AdmitAsync(messages, options, streaming: false).ConfigureAwait(false);
        ChatResponse response;
        try
        {
            response = await _governor.Breakers.ExecuteAsync(
                admission.Provider,
                static (s, ct) => new ValueTask<ChatResponse>(s.Self.InnerClient.GetResponseAsync(s.Sent, s.Effective, ct)),
                (Self: this, Sent: sent, Effective: effective),
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The provider may have taken the prompt: charge its bound, flagged as an estimate.
            _governor.Settle(admission, ChatGovernor.Estimate(admission, 0), estimated: true, LlmCallOutcome.Cancelled, errorType: "cancelled");
            throw;
        }
        catch (Exception ex)
        {
            _governor.Settle(admission, default, estimated: false, ex is ProviderUnavailableException ? LlmCallOutcome.Unavailable : LlmCallOutcome.Failed,
                errorType: ErrorType(ex));
            throw;
        }

        bool estimated = response.Usage is null;
        var usage = response.Usage is { } reported
            ? ChatGovernor.UsageOf(reported)
            : ChatGovernor.Estimate(admission, ChatTokenBound.OutputBytes(response.Messages.SelectMany(static m => m.Contents)));
        _governor.Settle(admission, usage, estimated, LlmCallOutcome.Succeeded, response.ModelId);
        _governor.Pii.Screen(response, admission.AgentId);
        return response;
    }

    /// <summary>Applies the request policy, reserves, and sets the imposed output limit on a copy of the options.</summary>
    private async ValueTask<(ChatAdmission Admission, IList<ChatMessage> Sent, ChatOptions? Effective)> AdmitAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, bool streaming)
    {
        var metadata = InnerClient.GetService(typeof(ChatClientMetadata)) as ChatClientMetadata;
        string provider = _options.ProviderName ?? metadata?.ProviderName ?? "unknown";
        string model = options?.ModelId ?? metadata?.DefaultModelId
            ?? throw new InvalidOperationException("IronRuntime cannot price a chat call without a model: set ChatOptions.ModelId or use a client whose metadata names its default model.");
        var activity = ChatTelemetry.Start(provider, model, _options.AgentId, options?.MaxOutputTokens, streaming);
        try
        {
            var list = messages as IList<ChatMessage> ?? [.. messages];
            var sent = _governor.Pii.Screen(list, _options.AgentId);
            if (_governor.Breakers.StateOf(provider) == Resilience.ProviderCircuitState.Open)
            {
                // Fail fast before reserving; the breaker itself throws the typed exception.
                await _governor.Breakers.ExecuteAsync(provider, static (_, _) => ValueTask.FromResult(0), 0, CancellationToken.None).ConfigureAwait(false);
            }

            var admission = await _governor.AdmitAsync(_options.AgentId, provider, model, sent, options, _options.DefaultMaxOutputTokens).ConfigureAwait(false);
            admission.Activity = activity;
            var effective = options;
            if (admission.ImposedMaxOutputTokens is { } imposed)
            {
                effective = options?.Clone() ?? new ChatOptions();
                effective.MaxOutputTokens = (int)Math.Min(imposed, int.MaxValue);
            }

            return (admission, sent, effective);
        }
        catch (Exception ex)
        {
            ChatTelemetry.Fail(activity, ex);
            throw;
        }
    }

    private static string ErrorType(Exception ex) => ex is IronRuntimeCallRefusedException refused ? refused.ErrorType : ex.GetType().FullName ?? ex.GetType().Name;
}
