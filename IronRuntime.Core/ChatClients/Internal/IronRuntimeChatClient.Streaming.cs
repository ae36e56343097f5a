using System.Runtime.CompilerServices;
using IronRuntime.Router;
using Microsoft.Extensions.AI;

namespace IronRuntime.ChatClients.Internal;

internal sealed partial class IronRuntimeChatClient
{
    /// <summary>
    /// Streams the answer through: the usage of the updates (the largest figure of each kind, so both a final cumulative
    /// report and split input/output reports count once) settles the call when the stream ends — completed, failed,
    /// cancelled or abandoned by the caller. With no usage, the prompt bound and the bytes received are charged, flagged
    /// as an estimate. Texts pass through the response PII policy, held back only while they could start a value.
    /// </summary>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (WireGoverned)
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }

            yield break;
        }

        var (admission, sent, effective) = await AdmitAsync(messages, options, streaming: true).ConfigureAwait(false);
        var progress = new StreamProgress();
        using var screen = _governor.Pii.ForStream(admission.AgentId);
        IAsyncEnumerator<ChatResponseUpdate>? updates = null;
        try
        {
            updates = InnerClient.GetStreamingResponseAsync(sent, effective, cancellationToken).GetAsyncEnumerator(cancellationToken);
            bool more = await _governor.Breakers.ExecuteAsync(
                admission.Provider, static (s, _) => s.Progress.MoveAsync(s.Updates), (Progress: progress, Updates: updates), cancellationToken).ConfigureAwait(false);
            while (more)
            {
                var update = updates.Current;
                progress.Observe(update);
                screen?.Apply(update);
                yield return update;
                more = await progress.MoveAsync(updates).ConfigureAwait(false);
            }

            if (screen?.Flush() is { } held)
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, held) { ModelId = progress.ResponseModel };
            }

            progress.Completed = true;
        }
        finally
        {
            if (updates is not null)
            {
                await updates.DisposeAsync().ConfigureAwait(false);
            }

            Settle(admission, progress, cancellationToken);
        }
    }

    private void Settle(ChatAdmission admission, StreamProgress progress, CancellationToken cancellationToken)
    {
        if (progress.Usage is { } usage)
        {
            var outcome = progress.Completed ? LlmCallOutcome.Succeeded : cancellationToken.IsCancellationRequested ? LlmCallOutcome.Cancelled : LlmCallOutcome.Failed;
            _governor.Settle(admission, usage, estimated: false, outcome, progress.ResponseModel, progress.Completed ? null : ErrorTypeOf(progress, cancellationToken));
        }
        else if (progress.Updates > 0 || progress.Failure is OperationCanceledException)
        {
            // The provider answered (or may have) but no usage came: the prompt bound and the output bytes, flagged.
            var outcome = progress.Completed ? LlmCallOutcome.Succeeded : cancellationToken.IsCancellationRequested ? LlmCallOutcome.Cancelled : LlmCallOutcome.Failed;
            _governor.Settle(admission, ChatGovernor.Estimate(admission, progress.OutputBytes), estimated: true, outcome, progress.ResponseModel,
                progress.Completed ? null : ErrorTypeOf(progress, cancellationToken));
        }
        else
        {
            // Failed before the first update: the provider produced nothing.
            _governor.Settle(admission, default, estimated: false,
                progress.Failure is ProviderUnavailableException ? LlmCallOutcome.Unavailable : LlmCallOutcome.Failed, errorType: ErrorTypeOf(progress, cancellationToken));
        }
    }

    private static string ErrorTypeOf(StreamProgress progress, CancellationToken cancellationToken) =>
        progress.Failure is { } failure ? ErrorType(failure) : cancellationToken.IsCancellationRequested ? "cancelled" : "abandoned";

    /// <summary>What a stream has delivered so far.</summary>
    private sealed class StreamProgress
    {
        public int Updates { get; private set; }

        public long OutputBytes { get; private set; }

        public TokenUsage? Usage { get; private set; }

        public string? ResponseModel { get; private set; }

        public Exception? Failure { get; private set; }

        public bool Completed { get; set; }

        public async ValueTask<bool> MoveAsync(IAsyncEnumerator<ChatResponseUpdate> updates)
        {
            try
            {
                return await updates.MoveNextAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Failure = ex;
                throw;
            }
        }

        public void Observe(ChatResponseUpdate update)
        {
            Updates++;
            ResponseModel ??= update.ModelId;
            OutputBytes += ChatTokenBound.OutputBytes(update.Contents);
            foreach (var content in update.Contents)
            {
                if (content is UsageContent { Details: { } details })
                {
                    var reported = ChatGovernor.UsageOf(details);
                    Usage = Usage is { } seen
                        ? new TokenUsage(
                            Math.Max(seen.InputTokens, reported.InputTokens),
                            Math.Max(seen.OutputTokens, reported.OutputTokens),
                            Math.Max(seen.CachedInputTokens, reported.CachedInputTokens),
                            ReasoningTokens: Math.Max(seen.ReasoningTokens, reported.ReasoningTokens))
                        : reported;
                }
            }
        }
    }
}
