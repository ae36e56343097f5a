using System.Net.Http.Headers;

namespace IronRuntime.Benchmarks.Proxy;

/// <summary>
/// The set-up the proxy benchmarks share: a <see cref="LoopbackUpstream"/>, a runtime with a budget whose loopback proxy
/// forwards to it, and two clients — one straight to the provider, one through the proxy with an agent's token.
/// </summary>
internal sealed class ProxyBench : IDisposable
{
    private readonly LoopbackUpstream _upstream;
    private readonly AgentRuntime _runtime;

    private ProxyBench(bool chunkedAnswer)
    {
        _upstream = LoopbackUpstream.StartAsync(chunkedAnswer).GetAwaiter().GetResult();
        _runtime = AgentRuntime.CreateBuilder()
            .WithBudget(1_000_000_000m)
            .UseOpenAI("sk-bench", _upstream.BaseAddress)
            .Build();
        _runtime.Proxy.StartAsync().GetAwaiter().GetResult();
        Direct = new HttpClient { BaseAddress = _upstream.BaseAddress };
        Direct.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-bench");
        ThroughProxy = new HttpClient { BaseAddress = _runtime.Proxy.BaseAddress };
        ThroughProxy.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _runtime.Proxy.IssueToken("bench-agent"));
    }

    /// <summary>A client sending straight to the provider.</summary>
    public HttpClient Direct { get; }

    /// <summary>A client sending to the runtime's proxy as an agent.</summary>
    public HttpClient ThroughProxy { get; }

    /// <summary>Starts the provider (answering JSON chunked when <paramref name="chunkedAnswer"/>) and the runtime.</summary>
    public static ProxyBench Start(bool chunkedAnswer = false) => new(chunkedAnswer);

    /// <inheritdoc />
    public void Dispose()
    {
        Direct.Dispose();
        ThroughProxy.Dispose();
        _runtime.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _upstream.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
