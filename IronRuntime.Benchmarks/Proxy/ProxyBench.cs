using System.Net.Http.Headers;
using IronRuntime.Router.Proxy;

namespace IronRuntime.Benchmarks.Proxy;

/// <summary>
/// The set-up the proxy benchmarks share: a loopback provider, a runtime with a budget whose loopback proxy forwards to
/// it, and two clients — one straight to the provider, one through the proxy with an agent's token.
/// </summary>
internal sealed class ProxyBench : IDisposable
{
    private readonly IAsyncDisposable _upstream;
    private readonly AgentRuntime _runtime;

    private ProxyBench(Uri upstreamAddress, IAsyncDisposable upstream)
    {
        _upstream = upstream;
        _runtime = AgentRuntime.CreateBuilder()
            .WithBudget(1_000_000_000m)
            .UseOpenAI("sk-bench", upstreamAddress)
            .Build();
        _runtime.Proxy.StartAsync().GetAwaiter().GetResult();
        Direct = new HttpClient { BaseAddress = upstreamAddress };
        Direct.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-bench");
        ThroughProxy = new HttpClient { BaseAddress = _runtime.Proxy.BaseAddress };
        ThroughProxy.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _runtime.Proxy.IssueToken("bench-agent"));
    }

    /// <summary>A client sending straight to the provider.</summary>
    public HttpClient Direct { get; }

    /// <summary>A client sending to the runtime's proxy as an agent.</summary>
    public HttpClient ThroughProxy { get; }

    /// <summary>Starts a <see cref="LoopbackUpstream"/> (answering JSON chunked when <paramref name="chunkedAnswer"/>) and the runtime.</summary>
    public static ProxyBench Start(bool chunkedAnswer = false)
    {
        var upstream = LoopbackUpstream.StartAsync(chunkedAnswer).GetAwaiter().GetResult();
        return new(upstream.BaseAddress, upstream);
    }

    /// <summary>Starts the runtime in front of <paramref name="upstream"/>, which it then owns.</summary>
    public static ProxyBench Over(LoopbackServer upstream) => new(upstream.BaseAddress, upstream);

    /// <inheritdoc />
    public void Dispose()
    {
        Direct.Dispose();
        ThroughProxy.Dispose();
        _runtime.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _upstream.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
