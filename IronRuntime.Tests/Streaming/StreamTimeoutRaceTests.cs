using System.Text;
using IronRuntime.Resilience;
using IronRuntime.Tests.Proxy;
using IronRuntime.Tests.Support;
using static IronRuntime.Tests.Resilience.ResilienceTestSupport;

namespace IronRuntime.Tests.Streaming;

/// <summary>
/// Issue 9, finding 8: a provider that stalls mid-stream must always get the agent one
/// <c>iron_runtime_stream_timeout</c> error event and a clean end — never a reset, "Error while copying content" or a
/// disposed-object error. Real clock, a short idle limit, many stalls.
/// </summary>
public sealed class StreamTimeoutRaceTests
{
    private const int Stalls = 200;
    private const int Parallel = 4;
    private const string TimeoutEvent = "\"type\":\"iron_runtime_stream_timeout\"";
    private RuntimeHarness _h = null!;

    [SetUp]
    public async Task SetUp()
    {
        _h = await RuntimeHarness.StartAsync(b => b.ConfigureResilience(o =>
        {
            o.MaxRetryAttempts = 0;
            o.FirstByteTimeout = TimeSpan.FromSeconds(60);
            o.StreamIdleTimeout = TimeSpan.FromMilliseconds(30);
            o.TotalTimeout = TimeSpan.FromMinutes(5);
        }));

        // After the first event the provider goes silent (it waits on the real clock for an hour).
        _h.Fake.EventDelay = TimeSpan.FromHours(1);
    }

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    [Test]
    public async Task Proxy_ProviderStallsMidStream_EveryStallEndsWithTheErrorEventAndACleanEnd()
    {
        await _h.Runtime.Proxy.StartAsync();
        string token = _h.Runtime.Proxy.IssueToken("a1");
        using var http = ProxyClient.Create(_h.Runtime.Proxy);
        var failures = await RunAsync(async () =>
        {
            using var response = await http.SendAsync(ProxyClient.Post("/v1/chat/completions", ProxyClient.StreamBody, token), HttpCompletionOption.ResponseHeadersRead);
            return await response.Content.ReadAsStringAsync();
        });

        Assert.That(failures, Is.Empty);
    }

    [Test]
    public async Task InProcess_ProviderStallsMidStream_EveryStallEndsWithTheErrorEventAndACleanEnd()
    {
        using var http = _h.Runtime.CreateHttpClient("a1");
        var failures = await RunAsync(async () =>
        {
            using var response = await http.SendAsync(Messages(stream: true));
            return await response.Content.ReadAsStringAsync();
        });

        Assert.That(failures, Is.Empty);
    }

    /// <summary>Runs <see cref="Stalls"/> stalled calls, <see cref="Parallel"/> at a time; returns what went wrong.</summary>
    private static Task<List<string>> RunAsync(Func<Task<string>> call) => CallLoop.RunAsync(Stalls, Parallel, call, body =>
        body.Contains(TimeoutEvent, StringComparison.Ordinal) && body.EndsWith("}\n\n", StringComparison.Ordinal)
            ? null
            : "no clean timeout event at the end: " + body[Math.Max(0, body.Length - 300)..]);
}
