using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace IronRuntime.Tests.ChatClients;

/// <summary>
/// The provider stand-in for the middleware tests: an <see cref="IChatClient"/> that answers with fixed texts and fixed
/// <see cref="UsageDetails"/>, records what it was sent, and can hold, fail or stream without usage on demand.
/// </summary>
internal sealed class TestChatClient(string providerName, string modelId) : IChatClient
{
    private int _calls;

    /// <summary>The answer's pieces (one update each when streamed).</summary>
    public IReadOnlyList<string> Pieces { get; set; } = ["Hello", " world"];

    /// <summary>The usage reported (in the final update when streamed); null reports none.</summary>
    public UsageDetails? Usage { get; set; } = new() { InputTokenCount = 1000, OutputTokenCount = 250 };

    /// <summary>Thrown by every call instead of answering, when set.</summary>
    public Exception? Failure { get; set; }

    /// <summary>When set, each call waits for it before answering (a stream: after its first update).</summary>
    public TaskCompletionSource? Hold { get; set; }

    /// <summary>Called on each call, as it arrives.</summary>
    public Action? OnCall { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    public List<(List<ChatMessage> Messages, ChatOptions? Options)> Received { get; } = [];

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Arrive(messages, options);
        if (Hold is { } hold)
        {
            await hold.Task.WaitAsync(cancellationToken);
        }

        if (Failure is { } failure)
        {
            throw failure;
        }

        return new ChatResponse(new ChatMessage(ChatRole.Assistant, string.Concat(Pieces))) { Usage = Usage, ModelId = modelId + "-2025" };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Arrive(messages, options);
        if (Failure is { } failure)
        {
            throw failure;
        }

        for (int i = 0; i < Pieces.Count; i++)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, Pieces[i]) { ModelId = modelId + "-2025" };
            if (i == 0 && Hold is { } hold)
            {
                await hold.Task.WaitAsync(cancellationToken);
            }
        }

        if (Usage is { } usage)
        {
            yield return new ChatResponseUpdate { Role = ChatRole.Assistant, Contents = [new UsageContent(usage)] };
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata(providerName, null, modelId) : serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private void Arrive(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        lock (Received)
        {
            Received.Add(([.. messages], options));
        }

        Interlocked.Increment(ref _calls);
        OnCall?.Invoke();
    }
}
