using System.Net;
using IronRuntime.Budget;
using IronRuntime.Budget.Redis;
using IronRuntime.Router;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace IronRuntime.Tests.Budget.Redis;

/// <summary>
/// The gate over the Redis ledger (<c>BudgetGate.Unavailable.cs</c>: reservations and the denial's snapshots through the
/// ledger's asynchronous path), read straight from <see cref="BudgetGate.EnterAsync"/>. <c>m-long</c> costs $1 / M in,
/// $4 / M out (see <see cref="GateFixture"/>); a call of 100 input and 100 output tokens needs $0.0005.
/// </summary>
[NonParallelizable]
public sealed class RedisBudgetGateTests
{
    private RedisTestServer _server = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp() => _server = await RedisTestServer.StartAsync();

    [OneTimeTearDown]
    public async Task OneTimeTearDown() => await _server.DisposeAsync();

    private async Task<RedisBudgetLedger> LedgerAsync()
    {
        var options = new RedisBudgetOptions { KeyPrefix = "gate" + Guid.NewGuid().ToString("N")[..12], RenewInterval = TimeSpan.FromHours(1) };
        var redis = await ConnectionMultiplexer.ConnectAsync(_server.ConnectionString + ",abortConnect=false");
        return new RedisBudgetLedger(redis, ownsConnection: true, options, [], TimeProvider.System, NullLogger.Instance);
    }

    [Test]
    public async Task AgentsLimitTooSmall_Is402NamingTheAgentsAccountAsRedisHoldsIt()
    {
        await using var ledger = await LedgerAsync();
        ledger.SetLimit(null, 1m);
        ledger.SetLimit("a1", 0.0003m);
        await using var gate = GateFixture.Create(limit: null, ledger: ledger);
        Assert.That(await gate.Gate.EnterAsync(GateFixture.Call("m-long", maxOutputTokens: 25), CancellationToken.None) is { IsAllowed: true }, Is.True);

        var decision = await gate.Gate.EnterAsync(GateFixture.Call("m-long", maxOutputTokens: 100), CancellationToken.None);

        // The first call holds 100 × $1 / M + 25 × $4 / M = $0.0002 of the agent's $0.0003.
        Assert.Multiple(() =>
        {
            Assert.That(decision.StatusCode, Is.EqualTo(HttpStatusCode.PaymentRequired));
            Assert.That(decision.Message, Is.EqualTo(
                "IronRuntime budget exceeded for agent 'a1': spent $0 of the $0.0003 limit ($0.0002 held by calls in flight); " +
                "this call to 'm-long' needs up to $0.0005 (100 input tokens at most, 100 output tokens)."));
            Assert.That(ledger.GetSnapshot(null), Is.EqualTo(new BudgetSnapshot(null, 1m, 0m, 0.0002m)), "the refused call holds nothing");
        });
    }

    [Test]
    public async Task CallThatFits_IsReservedInRedis()
    {
        await using var ledger = await LedgerAsync();
        ledger.SetLimit(null, 1m);
        await using var gate = GateFixture.Create(limit: null, ledger: ledger);

        var decision = await gate.Gate.EnterAsync(GateFixture.Call("m-long", maxOutputTokens: 100), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(decision.IsAllowed, Is.True);
            Assert.That(ledger.GetSnapshot("a1"), Is.EqualTo(new BudgetSnapshot("a1", null, 0m, 0.0005m)));
            Assert.That(ledger.GetSnapshot(null), Is.EqualTo(new BudgetSnapshot(null, 1m, 0m, 0.0005m)));
        });
    }
}
