using System.Net;
using System.Text;
using IronRuntime.Budget;
using IronRuntime.Budget.RateLimits;
using IronRuntime.Budget.Redis;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace IronRuntime.Tests.Budget.Redis;

/// <summary>Rate limits shared by the fleet through Redis (one window per minute on Redis's clock).</summary>
[NonParallelizable]
public sealed class RedisRateLimitTests
{
    private const string ChatUrl = "https://api.openai.com/v1/chat/completions";
    private const string Body = """{"model":"gpt-4o-mini","max_tokens":50,"messages":[{"role":"user","content":"hi"}]}""";
    private readonly List<IAsyncDisposable> _disposables = [];
    private RedisTestServer _server = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp() => _server = await RedisTestServer.StartAsync();

    [OneTimeTearDown]
    public async Task OneTimeTearDown() => await _server.DisposeAsync();

    [TearDown]
    public async Task TearDown()
    {
        foreach (var d in Enumerable.Reverse(_disposables))
        {
            await d.DisposeAsync();
        }

        _disposables.Clear();
    }

    private static string Prefix() => "r" + Guid.NewGuid().ToString("N")[..12];

    [Test]
    public async Task RequestsPerMinute_SharedByTwoInstances()
    {
        string prefix = Prefix();
        var options = new RateLimitOptions { RequestsPerMinute = 3 };
        var a = await LimitsAsync(prefix, options);
        var b = await LimitsAsync(prefix, options);

        var admitted = new[] { await a.AdmitAsync("x", 10), await a.AdmitAsync("y", 10), await b.AdmitAsync("z", 10) };
        var refused = await b.AdmitAsync("x", 10);

        Assert.Multiple(() =>
        {
            Assert.That(admitted.All(r => r.Ticket is not null), Is.True);
            Assert.That(refused.Ticket, Is.Null);
            Assert.That(refused.Refusal!.Limit, Is.EqualTo("requests"));
            Assert.That(refused.Refusal.AgentId, Is.Null);
            Assert.That(refused.Refusal.RetryAfter, Is.GreaterThan(TimeSpan.Zero).And.LessThanOrEqualTo(TimeSpan.FromMinutes(1)));
        });
    }

    [Test]
    public async Task TokensPerMinute_AgentWindowShared_CorrectedOnSettleAcrossInstances()
    {
        string prefix = Prefix();
        var options = new RateLimitOptions { AgentTokensPerMinute = 1_000 };
        var a = await LimitsAsync(prefix, options);
        var b = await LimitsAsync(prefix, options);

        var first = await a.AdmitAsync("agent", 600);
        var refused = await b.AdmitAsync("agent", 600);
        var otherAgent = await b.AdmitAsync("other", 600);
        first.Ticket!.Settle(100);

        // The correction is sent without waiting: poll until b sees it (a refusal takes nothing).
        bool admittedAfterSettle = false;
        for (int i = 0; i < 200 && !admittedAfterSettle; i++)
        {
            admittedAfterSettle = (await b.AdmitAsync("agent", 600)).Ticket is not null;
            if (!admittedAfterSettle)
            {
                await Task.Delay(50);
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(admittedAfterSettle, Is.True, "600 counted, settled at 100: 600 more fit 1,000");
            Assert.That(refused.Refusal!.Limit, Is.EqualTo("tokens"));
            Assert.That(refused.Refusal.AgentId, Is.EqualTo("agent"));
            Assert.That(otherAgent.Ticket, Is.Not.Null, "each agent has its own window");
        });
    }

    [Test]
    public async Task Runtime_OverTheFleetsLimit_Is429OnAnotherInstance()
    {
        string prefix = Prefix();
        await using var first = await InstanceAsync(prefix);
        await using var second = await InstanceAsync(prefix);
        using var http1 = first.Runtime.CreateHttpClient("a");
        using var http2 = second.Runtime.CreateHttpClient("a");

        using var admitted = await http1.PostAsync(ChatUrl, new StringContent(Body, Encoding.UTF8, "application/json"));
        using var refused = await http2.PostAsync(ChatUrl, new StringContent(Body, Encoding.UTF8, "application/json"));

        Assert.Multiple(() =>
        {
            Assert.That(admitted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(refused.Headers.RetryAfter?.Delta, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)).And.LessThanOrEqualTo(TimeSpan.FromSeconds(60)));
            Assert.That(second.Fake.ArrivedCount, Is.Zero);
            Assert.That(second.Runtime.GetBudget().Reserved, Is.Zero, "the refused call reserved nothing");
        });
    }

    private Task<RuntimeHarness> InstanceAsync(string prefix) => RuntimeHarness.StartAsync(b => b
        .WithBudget(1m)
        .WithRateLimits(o => o.RequestsPerMinute = 1)
        .UseRedisBudgetLedger(o =>
        {
            o.ConnectionString = _server.ConnectionString;
            o.KeyPrefix = prefix;
        }));

    private async Task<RedisRateLimits> LimitsAsync(string prefix, RateLimitOptions options)
    {
        var redis = new RedisBudgetOptions { KeyPrefix = prefix, RenewInterval = TimeSpan.FromHours(1) };
        var ledger = new RedisBudgetLedger(await ConnectionMultiplexer.ConnectAsync(_server.ConnectionString + ",abortConnect=false"), ownsConnection: true,
            redis, [], TimeProvider.System, NullLogger.Instance);
        _disposables.Add(ledger);
        return new RedisRateLimits(ledger, Options.Create(options), redis, TimeProvider.System);
    }
}
