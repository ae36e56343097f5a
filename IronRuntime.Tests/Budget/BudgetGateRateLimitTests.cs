using System.Net;
using System.Net.Sockets;
using System.Text;
using IronRuntime.Budget;
using IronRuntime.Budget.RateLimits;
using IronRuntime.Router;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IronRuntime.Tests.Budget;

/// <summary>
/// What the gate counts against the rate limits (<c>BudgetGate.RateLimits.cs</c>): a call's input bound (100 tokens in
/// <see cref="GateFixture.Call"/>) plus its output limit times its choices, recounted to the output limit the budget
/// imposes; and nothing at all when the ledger cannot be reached. Prices of <c>m-long</c>: $1 / M in, $4 / M out, at
/// most 4,000 output tokens.
/// </summary>
public sealed class BudgetGateRateLimitTests
{
    private static InProcessRateLimits TokensPerMinute(long tokens)
        => new(Options.Create(new RateLimitOptions { TokensPerMinute = tokens, RequestsPerMinute = 100 }), new FakeTimeProvider());

    [Test]
    public async Task ThreeChoices_CountInputBoundPlusThreeTimesTheOutputLimit()
    {
        var rates = TokensPerMinute(1_000_000);
        await using var gate = GateFixture.Create(limit: 10m, rates: rates);

        var decision = await gate.Gate.EnterAsync(GateFixture.Call("m-long", maxOutputTokens: 100, billing: new LlmBillingFactors { Choices = 3 }), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(decision.IsAllowed, Is.True);
            Assert.That(rates.Used(null), Is.EqualTo((1L, 100L + (3 * 100))));
        });
    }

    [Test]
    public async Task ImposedOutputLimit_TheRateIsRecountedToIt()
    {
        // $0.0021 affords the prompt ($0.0001) and (0.0021 - 0.0001) / 0.000004 = 500 output tokens, not the model's 4,000.
        var rates = TokensPerMinute(1_000_000);
        await using var gate = GateFixture.Create(limit: 0.0021m, rates: rates);

        var decision = await gate.Gate.EnterAsync(GateFixture.Call("m-long"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(decision.MaxOutputTokens, Is.EqualTo(500));
            Assert.That(rates.Used(null), Is.EqualTo((1L, 100L + 500)), "not 100 + 4,000");
        });
    }

    [Test]
    public async Task ImposedOutputLimit_TwoChoices_RecountedToTwiceIt()
    {
        // Two choices bill output at $8 / M: (0.0021 - 0.0001) / 0.000008 = 250 tokens each.
        var rates = TokensPerMinute(1_000_000);
        await using var gate = GateFixture.Create(limit: 0.0021m, rates: rates);

        var decision = await gate.Gate.EnterAsync(GateFixture.Call("m-long", billing: new LlmBillingFactors { Choices = 2 }), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(decision.MaxOutputTokens, Is.EqualTo(250));
            Assert.That(rates.Used(null), Is.EqualTo((1L, 100L + (2 * 250))));
        });
    }

    [Test]
    public async Task CallLargerThanTheTokensPerMinute_Is429AndReservesNothing()
    {
        // 100 + 4,000 tokens against a limit of 4,099.
        var rates = TokensPerMinute(4_099);
        await using var gate = GateFixture.Create(limit: 10m, rates: rates);

        var decision = await gate.Gate.EnterAsync(GateFixture.Call("m-long"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(decision.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(decision.ErrorType, Is.EqualTo("tokens"));
            Assert.That(gate.Ledger.GetSnapshot(null).Reserved, Is.Zero);
            Assert.That(rates.Used(null), Is.EqualTo((0L, 0L)));
        });
    }

    [Test]
    public async Task SharedLedgerUnreachable_Is503_AndTheCallsRateIsGivenBack()
    {
        const string Body = """{"model":"gpt-4o-mini","max_tokens":50,"messages":[{"role":"user","content":"hi"}]}""";
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(1m)
            .UseRedisBudgetLedger("127.0.0.1:" + ClosedPort() + ",connectTimeout=500")
            .WithRateLimits(o => o.RequestsPerMinute = 1));
        using var http = h.Runtime.CreateHttpClient("a1");

        using var first = await http.PostAsync("https://api.openai.com/v1/chat/completions", new StringContent(Body, Encoding.UTF8, "application/json"));
        using var second = await http.PostAsync("https://api.openai.com/v1/chat/completions", new StringContent(Body, Encoding.UTF8, "application/json"));
        using var error = System.Text.Json.JsonDocument.Parse(await first.Content.ReadAsStringAsync());

        Assert.Multiple(() =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(error.RootElement.GetProperty("error").GetProperty("message").GetString(), Is.EqualTo(
                "IronRuntime cannot reach the shared budget ledger, so it cannot hold this call to its budget; the call was not sent and nothing was charged. Retry after 1 s."));
            Assert.That(first.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
            Assert.That(error.RootElement.GetProperty("error").GetProperty("code").GetString(), Is.EqualTo("budget_unavailable"));
            Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "not 429: the first call's request was given back");
            Assert.That(h.Fake.ArrivedCount, Is.Zero);
        });
    }

    [Test]
    public async Task InProcessRate_LedgerUnreachable_Is503AndTheRateIsGivenBack()
    {
        // A ledger of the app's own (any IBudgetLedger) that cannot be reached, behind in-process rate limits: the call is
        // refused with 503 and its request and tokens are given back, so they do not count against the minute.
        var rates = TokensPerMinute(1_000_000);
        await using var gate = GateFixture.Create(limit: null, ledger: new UnreachableLedger(), rates: rates);

        var decision = await gate.Gate.EnterAsync(GateFixture.Call("m-long", maxOutputTokens: 100), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(decision.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(decision.ErrorCode, Is.EqualTo("budget_unavailable"));
            Assert.That(rates.Used(null), Is.EqualTo((0L, 0L)), "the request and its 200 tokens given back");
        });
    }

    /// <summary>A ledger with a $10 limit whose reservations fail as an unreachable shared ledger's do.</summary>
    private sealed class UnreachableLedger : IBudgetLedger
    {
        public event EventHandler<BudgetAlert>? ThresholdCrossed { add { } remove { } }

        public bool TryReserve(string? agentId, decimal fixedCost, decimal unitCost, long minUnits, long maxUnits, out BudgetReservation reservation)
            => throw new BudgetUnavailableException("the ledger cannot be reached");

        public void Settle(in BudgetReservation reservation, decimal actualCost) => throw new InvalidOperationException("nothing was reserved");

        public void Charge(string? agentId, decimal amount) => throw new InvalidOperationException("nothing is charged");

        public void SetLimit(string? agentId, decimal? limit)
        {
        }

        public BudgetSnapshot GetSnapshot(string? agentId) => new(agentId, agentId is null ? 10m : null, 0m, 0m);

        public bool HasLimit(string? agentId) => agentId is null;
    }

    private static int ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port; // bound, never listening: connections are refused
    }
}
