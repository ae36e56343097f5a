using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using IronRuntime.Router;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Support;

namespace IronRuntime.Tests.Budget.Redis;

/// <summary>The runtime on the Redis ledger end to end: the gate, the errors agents see, restarts of either side.</summary>
[NonParallelizable]
public sealed class RedisBudgetRuntimeTests
{
    private const string ChatUrl = "https://api.openai.com/v1/chat/completions";
    private const string Body = """{"model":"gpt-4o-mini","max_tokens":50,"messages":[{"role":"user","content":"Count the ships in the harbour."}]}""";

    // gpt-4o-mini in the shipped price table: $0.15 per million input tokens, $0.60 per million output tokens.
    private const decimal InputPrice = 0.00000015m;
    private const decimal OutputPrice = 0.0000006m;

    private static int InputBound => Encoding.UTF8.GetByteCount(Body) + 64;

    /// <summary>The worst case of one call, which the fake bills in these tests.</summary>
    private static decimal WorstCase => (InputBound * InputPrice) + (50 * OutputPrice);

    [Test]
    public async Task RedisUnreachable_OpenAIRoute_Is503BudgetUnavailableAndNothingIsSent()
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(1m).UseRedisBudgetLedger("127.0.0.1:" + ClosedPort() + ",connectTimeout=500"));
        using var http = h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(ChatUrl, new StringContent(Body, Encoding.UTF8, "application/json"));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = doc.RootElement.GetProperty("error");
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("iron_runtime_budget_unavailable"));
            Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("budget_unavailable"));
            Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)), "Retry-After");
            Assert.That(h.Fake.ArrivedCount, Is.Zero);
        });
    }

    [Test]
    public async Task RedisUnreachable_AnthropicRoute_Is503InAnthropicShape()
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(1m).UseRedisBudgetLedger("127.0.0.1:" + ClosedPort() + ",connectTimeout=500"));
        using var http = h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(RuntimeHarness.AnthropicBaseUrl + "/v1/messages",
            new StringContent("""{"model":"claude-sonnet-4-5","max_tokens":100,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(doc.RootElement.GetProperty("type").GetString(), Is.EqualTo("error"));
            Assert.That(doc.RootElement.GetProperty("error").GetProperty("type").GetString(), Is.EqualTo("iron_runtime_budget_unavailable"));
            Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)), "Retry-After");
            Assert.That(h.Fake.ArrivedCount, Is.Zero);
        });
    }

    [Test]
    public async Task RuntimeRestarted_WithSqliteState_RedisSpendIsNotChargedAgain()
    {
        await using var server = await RedisTestServer.StartAsync();
        string db = Path.Combine(Directory.CreateTempSubdirectory("ironruntime-redis-state-").FullName, "state.db");
        string prefix = "restart" + Guid.NewGuid().ToString("N")[..8];
        await using var fake = await FakeProvider.StartAsync();
        fake.Usage = new TokenUsage(InputBound, 50);
        void Configure(IronRuntimeBuilder b) => b.WithBudget(1m).UseSqliteState(db).UseRedisBudgetLedger(o =>
        {
            o.ConnectionString = server.ConnectionString;
            o.KeyPrefix = prefix;
        });

        await using (var first = await RuntimeHarness.StartAsync(Configure, fake))
        {
            using var http = first.Runtime.CreateHttpClient("a1");
            for (int i = 0; i < 3; i++)
            {
                using var response = await http.PostAsync(ChatUrl, new StringContent(Body, Encoding.UTF8, "application/json"));
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            }
        }

        await using var fake2 = await FakeProvider.StartAsync();
        await using var second = await RuntimeHarness.StartAsync(Configure, fake2);
        Assert.That(second.Runtime.GetMetrics("a1").Requests, Is.EqualTo(3), "the instance's own records are restored from SQLite");
        Assert.That(second.Runtime.GetBudget(), Is.EqualTo(new IronRuntime.Budget.BudgetSnapshot(null, 1m, 3 * WorstCase, 0m)), "Redis holds the spend once");
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task RedisStoppedAndRestartedMidLoad_RefusedWhileAwayNothingLostOrCountedTwice(CancellationToken cancellationToken)
    {
        await using var server = await RedisTestServer.StartAsync();
        Assume.That(server.IsGarnet, Is.False, "Garnet in process keeps nothing across a restart; redis-server with its append-only file does");
        string prefix = "outage" + Guid.NewGuid().ToString("N")[..8];
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(1m).UseRedisBudgetLedger(o =>
        {
            o.ConnectionString = server.ConnectionString;
            o.KeyPrefix = prefix;
            o.LeaseDuration = TimeSpan.FromSeconds(15); // longer than the outage: no lease in flight expires (that case: RedisFleetTests)
            o.CommandTimeoutMilliseconds = 500;
        }));
        h.Fake.Usage = new TokenUsage(InputBound, 50);
        h.Fake.ResponseDelay = TimeSpan.FromMilliseconds(20);
        using var http = h.Runtime.CreateHttpClient("load");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        int ok = 0, unavailable = 0, other = 0;
        var loops = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await http.PostAsync(ChatUrl, new StringContent(Body, Encoding.UTF8, "application/json"), CancellationToken.None);
                await response.Content.ReadAsByteArrayAsync(CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref ok);
                }
                else if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    Interlocked.Increment(ref unavailable);
                }
                else
                {
                    Interlocked.Increment(ref other);
                }
            }
        })).ToArray();

        await Eventually.UntilAsync(() => Volatile.Read(ref ok) >= 20, TimeSpan.FromSeconds(30));
        await server.StopAsync();
        await Eventually.UntilAsync(() => Volatile.Read(ref unavailable) >= 5, TimeSpan.FromSeconds(30), "calls are refused while Redis is away");
        int arrivedWhileAway = h.Fake.ArrivedCount;
        await Task.Delay(200, cancellationToken);
        Assert.That(h.Fake.ArrivedCount - arrivedWhileAway, Is.LessThanOrEqualTo(4), "nothing new reaches the provider while Redis is away (at most the calls already past the gate)");
        await server.RestartAsync();
        int okAtRestart = Volatile.Read(ref ok);
        await Eventually.UntilAsync(() => Volatile.Read(ref ok) >= okAtRestart + 20, TimeSpan.FromSeconds(30), "calls go through again");
        await stop.CancelAsync();
        await Task.WhenAll(loops);

        // Settlements deferred while Redis was away are written when the connection comes back (and by the ledger's loop).
        await Eventually.UntilAsync(() => NothingReserved(h.Runtime), TimeSpan.FromSeconds(20), "deferred settlements written");
        var budget = h.Runtime.GetBudget();
        Assert.Multiple(() =>
        {
            Assert.That(other, Is.Zero);
            Assert.That(h.Fake.ArrivedCount, Is.EqualTo(ok), "every call the provider answered was admitted");
            Assert.That(budget, Is.EqualTo(new IronRuntime.Budget.BudgetSnapshot(null, 1m, h.Fake.ArrivedCount * WorstCase, 0m)), "spent is the provider's bill: nothing lost, nothing twice");
        });
    }

    /// <summary>Whether nothing is held; false while Redis is still slow to answer just after its restart.</summary>
    private static bool NothingReserved(AgentRuntime runtime)
    {
        try
        {
            return runtime.GetBudget().Reserved == 0m;
        }
        catch (IronRuntime.Budget.BudgetUnavailableException)
        {
            return false;
        }
    }

    private static int ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port; // bound, never listening: connections are refused
    }
}
