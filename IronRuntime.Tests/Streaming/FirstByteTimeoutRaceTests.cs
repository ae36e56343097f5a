using System.Net;
using IronRuntime.Resilience;
using IronRuntime.Tests.Proxy;
using IronRuntime.Tests.Support;
using static IronRuntime.Tests.Resilience.ResilienceTestSupport;

namespace IronRuntime.Tests.Streaming;

/// <summary>
/// Issue 9, finding 8 ("also seen with the first-byte timeout"): a provider that never sends its headers must always
/// get the agent a provider-shaped 504 with a complete body — never a reset, "Error while copying content" or a
/// disposed-object error. Real clock, a short first-byte limit, many stalls, streaming and not.
/// </summary>
public sealed class FirstByteTimeoutRaceTests
{
    private const int Stalls = 200;
    private const int Parallel = 4;
    private RuntimeHarness _h = null!;

    [SetUp]
    public async Task SetUp()
    {
        _h = await RuntimeHarness.StartAsync(b => b.ConfigureResilience(o =>
        {
            o.MaxRetryAttempts = 0;
            o.MinimumThroughput = 100_000; // the breaker must not open: every call should reach the first-byte limit
            o.FirstByteTimeout = TimeSpan.FromMilliseconds(30);
            o.TotalTimeout = TimeSpan.FromMinutes(5);
        }));

        // The provider takes an hour to answer (real clock): every call hits the first-byte limit.
        _h.Fake.ResponseDelay = TimeSpan.FromHours(1);
    }

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    [TestCase(true)]
    [TestCase(false)]
    public async Task Proxy_ProviderNeverAnswers_EveryCallGetsA504WithAProviderShapedBody(bool stream)
    {
        await _h.Runtime.Proxy.StartAsync();
        string token = _h.Runtime.Proxy.IssueToken("a1");
        using var http = ProxyClient.Create(_h.Runtime.Proxy);
        string body = stream ? ProxyClient.StreamBody : """{"model":"gpt-4o-mini","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""";
        var failures = await RunAsync(async () =>
        {
            using var response = await http.SendAsync(ProxyClient.Post("/v1/chat/completions", body, token), HttpCompletionOption.ResponseHeadersRead);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        });

        Assert.That(failures, Is.Empty);
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task InProcess_ProviderNeverAnswers_EveryCallGetsA504WithAProviderShapedBody(bool stream)
    {
        using var http = _h.Runtime.CreateHttpClient("a1");
        var failures = await RunAsync(async () =>
        {
            using var response = await http.SendAsync(Messages(stream: stream), HttpCompletionOption.ResponseHeadersRead);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        });

        Assert.That(failures, Is.Empty);
    }

    /// <summary>Runs <see cref="Stalls"/> calls, <see cref="Parallel"/> at a time; returns what went wrong.</summary>
    private static Task<List<string>> RunAsync(Func<Task<(HttpStatusCode Status, string Body)>> call) => CallLoop.RunAsync(Stalls, Parallel, call, r =>
        r.Status == HttpStatusCode.GatewayTimeout && r.Body.StartsWith('{') && r.Body.EndsWith('}') && r.Body.Contains("\"error\"", StringComparison.Ordinal)
            ? null
            : $"{(int)r.Status}: {r.Body[..Math.Min(r.Body.Length, 300)]}");
}
