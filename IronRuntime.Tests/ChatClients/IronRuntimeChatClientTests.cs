using IronRuntime.Budget;
using IronRuntime.ChatClients;
using IronRuntime.Pii;
using IronRuntime.Pricing;
using IronRuntime.Router;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IronRuntime.Tests.ChatClients;

/// <summary>
/// <c>UseIronRuntime()</c> over a test client with fixed usage (the provider stand-in). Prices are set by hand:
/// ollama/llama3.1 at $1 per million input tokens and $2 per million output tokens. The prompt "hi" is bounded at
/// 82 tokens (64 per call + 16 per message + 2 bytes), the documented bound.
/// </summary>
public sealed class IronRuntimeChatClientTests
{
    private const string Provider = "ollama";
    private const string Model = "llama3.1";
    private const decimal In = 0.000001m;
    private const decimal Out = 0.000002m;
    private const long HiBound = 64 + 16 + 2;

    private static AgentRuntime Runtime(Action<RuntimeConfig>? configure = null) => AgentRuntime.CreateBuilder()
        .OverridePrice(Provider + "/" + Model, new ModelPrice { InputPerToken = In, OutputPerToken = Out })
        .Configure(c => configure?.Invoke(c))
        .Build();

    private static IChatClient Governed(AgentRuntime runtime, IChatClient inner, string? agentId = "agent") =>
        inner.AsBuilder().UseIronRuntime(runtime, o => o.AgentId = agentId).Build();

    [Test]
    public async Task GetResponseAsync_UsageReported_SettlesTheExactCostAndReleasesTheRest()
    {
        await using var runtime = Runtime();
        runtime.SetBudget("agent", 1m);
        var inner = new TestChatClient(Provider, Model);
        decimal reservedDuringCall = -1;
        inner.OnCall = () => reservedDuringCall = runtime.GetBudget("agent").Reserved;
        using var client = Governed(runtime, inner);

        var response = await client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 100 });

        var budget = runtime.GetBudget("agent");
        Assert.Multiple(() =>
        {
            Assert.That(response.Text, Is.EqualTo("Hello world"));
            Assert.That(reservedDuringCall, Is.EqualTo((HiBound * In) + (100 * Out)).And.EqualTo(0.000282m), "worst case held during the call");
            Assert.That(budget.Spent, Is.EqualTo((1000 * In) + (250 * Out)).And.EqualTo(0.0015m));
            Assert.That(budget.Reserved, Is.Zero);
            Assert.That(runtime.GetBudget().Spent, Is.EqualTo(0.0015m), "the global account too");
            var metrics = runtime.GetMetrics("agent");
            Assert.That((metrics.Requests, metrics.SucceededRequests, metrics.InputTokens, metrics.OutputTokens), Is.EqualTo((1L, 1L, 1000L, 250L)));
        });
    }

    [Test]
    public async Task GetResponseAsync_DoesNotFit_ThrowsBudgetExceededWithTheFactsAndSendsNothing()
    {
        await using var runtime = Runtime();
        runtime.SetBudget("agent", 0.0001m);
        var inner = new TestChatClient(Provider, Model);
        using var client = Governed(runtime, inner);

        var ex = Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 1000 }));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.StatusCode, Is.EqualTo(402));
            Assert.That(ex.ErrorType, Is.EqualTo("iron_runtime_budget_exceeded"));
            Assert.That(ex.ErrorCode, Is.EqualTo("budget_exceeded"));
            Assert.That(ex.AgentId, Is.EqualTo("agent"));
            Assert.That(ex.Model, Is.EqualTo(Model));
            Assert.That(ex.Needed, Is.EqualTo((HiBound * In) + (1000 * Out)).And.EqualTo(0.002082m));
            Assert.That(ex.Remaining, Is.EqualTo(0.0001m));
            Assert.That(ex.Message, Does.Contain("agent 'agent'").And.Contain("$0.0001 limit").And.Contain("82 input tokens at most, 1000 output tokens"));
            Assert.That(inner.Calls, Is.Zero);
            Assert.That(runtime.GetBudget("agent").Reserved, Is.Zero);
            Assert.That(runtime.GetMetrics("agent").DeniedRequests, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task GetResponseAsync_NoMaxOutputTokensUnderABudget_ImposesWhatTheBudgetAffords()
    {
        await using var runtime = Runtime();
        runtime.SetBudget("agent", 0.001m);
        var inner = new TestChatClient(Provider, Model) { Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 10 } };
        using var client = Governed(runtime, inner);

        await client.GetResponseAsync("hi");

        // (0.001 - 82 × $0.000001) / $0.000002 = 459 output tokens.
        Assert.That(inner.Received[0].Options?.MaxOutputTokens, Is.EqualTo(459));
    }

    [Test]
    public async Task GetResponseAsync_UnpricedModelUnderABudget_IsRefusedAsUnknownPrice()
    {
        await using var runtime = Runtime();
        runtime.SetBudget("agent", 1m);
        var inner = new TestChatClient(Provider, "mystery-model-7b");
        using var client = Governed(runtime, inner);

        var ex = Assert.ThrowsAsync<IronRuntimeCallRefusedException>(() => client.GetResponseAsync("hi"));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorType, Is.EqualTo("iron_runtime_unknown_model_price"));
            Assert.That(ex.StatusCode, Is.EqualTo(400));
            Assert.That(ex.Message, Does.Contain("mystery-model-7b"));
            Assert.That(inner.Calls, Is.Zero);
        });
    }

    [Test]
    public async Task GetResponseAsync_UnpricedModelWithoutABudget_PassesAndCostsNothing()
    {
        await using var runtime = Runtime();
        var inner = new TestChatClient(Provider, "mystery-model-7b");
        using var client = Governed(runtime, inner);

        var response = await client.GetResponseAsync("hi");

        Assert.Multiple(() =>
        {
            Assert.That(response.Text, Is.EqualTo("Hello world"));
            Assert.That(runtime.GetBudget().Spent, Is.Zero);
            Assert.That(runtime.GetBudget().Reserved, Is.Zero);
        });
    }

    [Test]
    public async Task GetResponseAsync_ModelIdInOptions_WinsOverTheDefaultModel()
    {
        await using var runtime = AgentRuntime.CreateBuilder()
            .OverridePrice("ollama/qwen3", new ModelPrice { InputPerToken = 0.000003m, OutputPerToken = 0.000005m })
            .Build();
        var inner = new TestChatClient(Provider, Model);
        using var client = Governed(runtime, inner);

        await client.GetResponseAsync("hi", new ChatOptions { ModelId = "qwen3", MaxOutputTokens = 10 });

        Assert.That(runtime.GetBudget().Spent, Is.EqualTo((1000 * 0.000003m) + (250 * 0.000005m)).And.EqualTo(0.00425m));
    }

    [Test]
    public async Task GetStreamingResponseAsync_UsageInTheFinalUpdate_SettlesExactly()
    {
        await using var runtime = Runtime();
        runtime.SetBudget("agent", 1m);
        var inner = new TestChatClient(Provider, Model) { Pieces = ["One", " two", " three"] };
        using var client = Governed(runtime, inner);

        string text = string.Concat(await client.GetStreamingResponseAsync("hi", new ChatOptions { MaxOutputTokens = 50 }).Select(u => u.Text).ToListAsync());

        Assert.Multiple(() =>
        {
            Assert.That(text, Is.EqualTo("One two three"));
            Assert.That(runtime.GetBudget("agent").Spent, Is.EqualTo(0.0015m));
            Assert.That(runtime.GetBudget("agent").Reserved, Is.Zero);
        });
    }

    [Test]
    public async Task GetStreamingResponseAsync_NoUsage_ChargesThePromptBoundAndTheBytesReceived()
    {
        await using var runtime = Runtime();
        runtime.SetBudget("agent", 1m);
        var inner = new TestChatClient(Provider, Model) { Pieces = ["Hello", " wörld"], Usage = null };
        using var client = Governed(runtime, inner);

        await foreach (var _ in client.GetStreamingResponseAsync("hi", new ChatOptions { MaxOutputTokens = 50 }))
        {
        }

        // "Hello wörld" is 12 UTF-8 bytes: at most 12 tokens.
        Assert.That(runtime.GetBudget("agent").Spent, Is.EqualTo((HiBound * In) + (12 * Out)).And.EqualTo(0.000106m));
    }

    [Test]
    public async Task GetStreamingResponseAsync_NoUsageAndMoreBytesThanReserved_ChargesNoMoreThanTheOutputLimit()
    {
        await using var runtime = Runtime();
        runtime.SetBudget("agent", 1m);
        var inner = new TestChatClient(Provider, Model) { Pieces = [new string('x', 500)], Usage = null };
        using var client = Governed(runtime, inner);

        await foreach (var _ in client.GetStreamingResponseAsync("hi", new ChatOptions { MaxOutputTokens = 40 }))
        {
        }

        Assert.That(runtime.GetBudget("agent").Spent, Is.EqualTo((HiBound * In) + (40 * Out)).And.EqualTo(0.000162m));
    }

    [Test]
    public async Task GetStreamingResponseAsync_CancelledMidStream_IsChargedForWhatCameAndReleasesTheRest()
    {
        await using var runtime = Runtime();
        runtime.SetBudget("agent", 1m);
        var inner = new TestChatClient(Provider, Model) { Pieces = ["Hello", " world"], Hold = new TaskCompletionSource() };
        using var client = Governed(runtime, inner);
        using var cts = new CancellationTokenSource();

        var received = new List<string>();
        Assert.CatchAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("hi", new ChatOptions { MaxOutputTokens = 50 }, cts.Token))
            {
                received.Add(update.Text);
                await cts.CancelAsync();
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(received, Is.EqualTo(new[] { "Hello" }));
            Assert.That(runtime.GetBudget("agent").Reserved, Is.Zero, "nothing leaked");
            Assert.That(runtime.GetBudget("agent").Spent, Is.EqualTo((HiBound * In) + (5 * Out)).And.EqualTo(0.000092m));
        });
    }

    [Test]
    public async Task GetStreamingResponseAsync_CallerStopsReading_IsSettled()
    {
        await using var runtime = Runtime();
        runtime.SetBudget("agent", 1m);
        var inner = new TestChatClient(Provider, Model) { Pieces = ["Hello", " world", " again"] };
        using var client = Governed(runtime, inner);

        await foreach (var _ in client.GetStreamingResponseAsync("hi", new ChatOptions { MaxOutputTokens = 50 }))
        {
            break;
        }

        Assert.Multiple(() =>
        {
            Assert.That(runtime.GetBudget("agent").Reserved, Is.Zero);
            Assert.That(runtime.GetBudget("agent").Spent, Is.EqualTo((HiBound * In) + (5 * Out)));
        });
    }

    [Test]
    public async Task GetResponseAsync_ManyConcurrentCalls_AdmitsExactlyWhatTheBudgetHoldsAndChargesExactly()
    {
        await using var runtime = Runtime();
        runtime.SetBudget("agent", 0.01m);
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inner = new TestChatClient(Provider, Model) { Hold = hold, Usage = new UsageDetails { InputTokenCount = 50, OutputTokenCount = 100 } };
        using var client = Governed(runtime, inner);

        // Each call holds 82 × $0.000001 + 100 × $0.000002 = $0.000282: $0.01 holds 35 of them at once.
        var calls = Enumerable.Range(0, 100).Select(_ => Task.Run(() => client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 100 }))).ToList();
        await Eventually.UntilAsync(() => calls.Count(c => c.IsFaulted) == 65, TimeSpan.FromSeconds(60), "65 refused at once");
        hold.SetResult();
        await Task.WhenAll(calls.Select(c => c.ContinueWith(static _ => { }, TaskScheduler.Default)));

        Assert.Multiple(() =>
        {
            Assert.That(calls.Count(c => c.IsCompletedSuccessfully), Is.EqualTo(35));
            Assert.That(calls.Where(c => c.IsFaulted).Select(c => c.Exception!.InnerException), Is.All.TypeOf<BudgetExceededException>());
            Assert.That(inner.Calls, Is.EqualTo(35));
            Assert.That(runtime.GetBudget("agent").Spent, Is.EqualTo(35 * ((50 * In) + (100 * Out))).And.EqualTo(0.00875m));
            Assert.That(runtime.GetBudget("agent").Reserved, Is.Zero);
        });
    }

    [Test]
    public async Task GetResponseAsync_RequestPiiRedact_SendsRedactedCopiesAndLeavesTheCallersMessages()
    {
        await using var runtime = Runtime(c => c.Pii.RequestMode = PiiMode.Redact);
        var inner = new TestChatClient(Provider, Model);
        using var client = Governed(runtime, inner);
        var messages = new List<ChatMessage> { new(ChatRole.User, "Mail john.doe@example.com today") };

        await client.GetResponseAsync(messages, new ChatOptions { MaxOutputTokens = 10 });

        Assert.Multiple(() =>
        {
            Assert.That(inner.Received[0].Messages[0].Text, Is.EqualTo("Mail [EMAIL] today"));
            Assert.That(messages[0].Text, Is.EqualTo("Mail john.doe@example.com today"));
        });
    }

    [Test]
    public async Task GetResponseAsync_RequestPiiBlock_ThrowsContentBlockedAndSendsNothing()
    {
        await using var runtime = Runtime(c => c.Pii.RequestMode = PiiMode.Block);
        runtime.SetBudget("agent", 1m);
        var inner = new TestChatClient(Provider, Model);
        using var client = Governed(runtime, inner);

        var ex = Assert.ThrowsAsync<ContentBlockedException>(() => client.GetResponseAsync("Mail john.doe@example.com today"));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.EntityTypes, Is.EqualTo(new[] { PiiEntityTypes.Email }));
            Assert.That(ex.InRequest, Is.True);
            Assert.That(ex.ErrorType, Is.EqualTo("iron_runtime_content_blocked"));
            Assert.That(ex.Message, Does.Not.Contain("john.doe"));
            Assert.That(inner.Calls, Is.Zero);
            Assert.That(runtime.GetBudget("agent").Spent + runtime.GetBudget("agent").Reserved, Is.Zero);
        });
    }

    [Test]
    public async Task GetStreamingResponseAsync_ResponsePiiRedact_ValueSplitAcrossUpdatesIsRedacted()
    {
        await using var runtime = Runtime(c => c.Pii.ResponseMode = PiiMode.Redact);
        var inner = new TestChatClient(Provider, Model) { Pieces = ["Write to jo", "hn.doe@exa", "mple.com now"] };
        using var client = Governed(runtime, inner);

        string text = string.Concat(await client.GetStreamingResponseAsync("hi", new ChatOptions { MaxOutputTokens = 10 }).Select(u => u.Text).ToListAsync());

        Assert.That(text, Is.EqualTo("Write to [EMAIL] now"));
    }

    [Test]
    public async Task GetResponseAsync_ResponsePiiBlock_ThrowsAfterChargingTheCall()
    {
        await using var runtime = Runtime(c => c.Pii.ResponseMode = PiiMode.Block);
        runtime.SetBudget("agent", 1m);
        var inner = new TestChatClient(Provider, Model) { Pieces = ["Card 4111 1111 1111 1111"] };
        using var client = Governed(runtime, inner);

        var ex = Assert.ThrowsAsync<ContentBlockedException>(() => client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 10 }));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.InRequest, Is.False);
            Assert.That(ex.EntityTypes, Is.EqualTo(new[] { PiiEntityTypes.CreditCard }));
            Assert.That(runtime.GetBudget("agent").Spent, Is.EqualTo(0.0015m), "the provider billed it");
        });
    }

    [Test]
    public async Task GetResponseAsync_ProviderKeepsFailing_BreakerOpensAndCallsFailFastWithoutReachingIt()
    {
        await using var runtime = Runtime(c =>
        {
            c.Resilience.MinimumThroughput = 2;
            c.Resilience.FailureRatio = 0.5;
            c.Resilience.BreakDuration = TimeSpan.FromMinutes(5);
        });
        runtime.SetBudget("agent", 1m);
        var inner = new TestChatClient(Provider, Model) { Failure = new HttpRequestException("connection refused") };
        using var client = Governed(runtime, inner);

        for (int i = 0; i < 2; i++)
        {
            Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 10 }));
        }

        var ex = Assert.ThrowsAsync<ProviderUnavailableException>(() => client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 10 }));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.StatusCode, Is.EqualTo(503));
            Assert.That(ex.Provider, Is.EqualTo(Provider));
            Assert.That(ex.RetryAfter, Is.GreaterThan(TimeSpan.FromMinutes(4)).And.LessThanOrEqualTo(TimeSpan.FromMinutes(5)));
            Assert.That(inner.Calls, Is.EqualTo(2));
            Assert.That(runtime.GetBudget("agent").Spent + runtime.GetBudget("agent").Reserved, Is.Zero, "failed calls cost nothing");
        });
    }

    [Test]
    public async Task UseIronRuntime_OverAClientGovernedOnTheWire_ChargesTheCallOnce()
    {
        await using var h = await RuntimeHarness.StartAsync();
        h.Runtime.SetBudget("wired", 1m);
        h.Fake.Usage = new TokenUsage(10, 5);
        using var client = h.Runtime.GetChatClient("gpt-4o-mini", "wired").AsBuilder().UseIronRuntime(h.Runtime, o => o.AgentId = "wired").Build();

        await client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 20 });

        await Eventually.UntilAsync(() => h.Runtime.GetBudget("wired").Reserved == 0m);
        // gpt-4o-mini: 10 × $0.15/M + 5 × $0.60/M, once.
        Assert.That(h.Runtime.GetBudget("wired").Spent, Is.EqualTo(0.0000045m));
    }

    [Test]
    public async Task GetResponseAsync_SharedLedgerUnreachable_IsRefusedAs503AndNothingIsSent()
    {
        var builder = AgentRuntime.CreateBuilder().OverridePrice(Provider + "/" + Model, new ModelPrice { InputPerToken = In, OutputPerToken = Out });
        builder.Services.Replace(ServiceDescriptor.Singleton<IBudgetLedger>(new UnreachableLedger()));
        await using var runtime = builder.Build();
        var inner = new TestChatClient(Provider, Model);
        using var client = Governed(runtime, inner);

        var ex = Assert.ThrowsAsync<IronRuntimeCallRefusedException>(() => client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 10 }));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.StatusCode, Is.EqualTo(503));
            Assert.That(ex.ErrorType, Is.EqualTo("iron_runtime_budget_unavailable"));
            Assert.That(inner.Calls, Is.Zero);
        });
    }

    /// <summary>A shared ledger whose store is away: the asynchronous reservation fails closed.</summary>
    private sealed class UnreachableLedger : IBudgetLedger, IAsyncBudgetLedger
    {
        public event EventHandler<BudgetAlert>? ThresholdCrossed
        {
            add { }
            remove { }
        }

        public ValueTask<(bool Reserved, BudgetReservation Reservation)> TryReserveAsync(string? agentId, decimal fixedCost, decimal unitCost, long minUnits, long maxUnits) =>
            throw new BudgetUnavailableException("redis is away");

        public ValueTask<BudgetSnapshot> GetSnapshotAsync(string? agentId) => throw new BudgetUnavailableException("redis is away");

        public bool TryReserve(string? agentId, decimal fixedCost, decimal unitCost, long minUnits, long maxUnits, out BudgetReservation reservation) =>
            throw new InvalidOperationException("the middleware must reserve through the asynchronous path");

        public void Settle(in BudgetReservation reservation, decimal actualCost)
        {
        }

        public void Charge(string? agentId, decimal amount)
        {
        }

        public void SetLimit(string? agentId, decimal? limit)
        {
        }

        public BudgetSnapshot GetSnapshot(string? agentId) => new(agentId, 1m, 0m, 0m);

        public bool HasLimit(string? agentId) => true;
    }
}
