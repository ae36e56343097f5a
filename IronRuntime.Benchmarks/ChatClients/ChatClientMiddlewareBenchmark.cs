using BenchmarkDotNet.Attributes;
using IronRuntime.Pricing;
using Microsoft.Extensions.AI;

namespace IronRuntime.Benchmarks.ChatClients;

/// <summary>
/// The cost of governing one chat call with <c>UseIronRuntime()</c> (prompt bound, price lookup, reserve, settle,
/// telemetry) over an <see cref="IChatClient"/> that answers at once with fixed usage, against the same client bare.
/// </summary>
[MemoryDiagnoser]
public class ChatClientMiddlewareBenchmark
{
    private static readonly ChatOptions Options = new() { MaxOutputTokens = 200 };
    private readonly List<ChatMessage> _messages = [new(ChatRole.System, "You summarise."), new(ChatRole.User, string.Concat(Enumerable.Repeat("The tide rises twice a day. ", 40)))];
    private AgentRuntime _runtime = null!;
    private IChatClient _bare = null!;
    private IChatClient _governed = null!;

    [GlobalSetup]
    public void Setup()
    {
        _runtime = AgentRuntime.CreateBuilder()
            .OverridePrice("local/bench-model", new ModelPrice { InputPerToken = 0.000001m, OutputPerToken = 0.000002m })
            .Build();
        _runtime.SetBudget("bench", 1_000_000m);
        _bare = new InstantChatClient();
        _governed = _bare.AsBuilder().UseIronRuntime(_runtime, o => o.AgentId = "bench").Build();
    }

    [GlobalCleanup]
    public void Cleanup() => _runtime.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The client alone.</summary>
    [Benchmark(Baseline = true)]
    public Task<ChatResponse> Bare() => _bare.GetResponseAsync(_messages, Options);

    /// <summary>The client under <c>UseIronRuntime()</c>.</summary>
    [Benchmark]
    public Task<ChatResponse> Governed() => _governed.GetResponseAsync(_messages, Options);

    private sealed class InstantChatClient : IChatClient
    {
        private static readonly ChatClientMetadata Metadata = new("local", null, "bench-model");

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "Twice a day."))
            {
                Usage = new UsageDetails { InputTokenCount = 260, OutputTokenCount = 4 },
            });

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceType == typeof(ChatClientMetadata) ? Metadata : null;

        public void Dispose()
        {
        }
    }
}
