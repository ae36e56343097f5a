using System.Net;
using System.Text;
using System.Text.Json;
using IronRuntime.Agents;
using IronRuntime.Router;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IronRuntime.Tests.Budget.RateLimits;

/// <summary>Rate limits end to end through the router (in process) against the loopback fake.</summary>
public sealed class RateLimitTests
{
    private const string ChatUrl = "https://api.openai.com/v1/chat/completions";
    private const string MessagesUrl = "https://api.anthropic.com/v1/messages";

    /// <summary>gpt-4o-mini in the shipped price table: input 1.5e-07, output 6e-07 per token.</summary>
    private const decimal InputPerToken = 0.00000015m, OutputPerToken = 0.0000006m;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string ChatBody(int maxTokens)
        => $$"""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello there"}],"max_completion_tokens":{{maxTokens}}}""";

    /// <summary>What a call counts against a tokens-per-minute limit, by the documented rule: body bytes + 64, plus the output limit.</summary>
    private static long Tokens(int maxTokens) => Encoding.UTF8.GetByteCount(ChatBody(maxTokens)) + 64 + maxTokens;

    private static decimal WorstCase(int maxTokens)
        => ((Encoding.UTF8.GetByteCount(ChatBody(maxTokens)) + 64) * InputPerToken) + (maxTokens * OutputPerToken);

    /// <summary>45 s into a minute: the next window opens 15 s later.</summary>
    private static FakeTimeProvider At45s() => new(new DateTimeOffset(2026, 11, 26, 10, 0, 45, TimeSpan.Zero));

    private static Task<RuntimeHarness> StartAsync(FakeTimeProvider time, Action<IronRuntimeBuilder> configure)
        => RuntimeHarness.StartAsync(b =>
        {
            b.Services.AddSingleton<TimeProvider>(time);
            configure(b);
        });

    [Test]
    public async Task RequestsPerMinute_OverTheLimit_Is429InOpenAIShapeWithRetryAfterToTheNextMinute()
    {
        var time = At45s();
        await using var h = await StartAsync(time, b => b.WithRateLimits(o => o.RequestsPerMinute = 2));
        using var http = h.Runtime.CreateHttpClient("a1");

        using var first = await http.PostAsync(ChatUrl, Json(ChatBody(100)));
        using var second = await http.PostAsync(ChatUrl, Json(ChatBody(100)));
        using var refused = await http.PostAsync(ChatUrl, Json(ChatBody(100)));
        using var doc = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        var error = doc.RootElement.GetProperty("error");

        Assert.Multiple(() =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(refused.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(15)));
            Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("requests"));
            Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("rate_limit_exceeded"));
            Assert.That(error.GetProperty("param").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(error.GetProperty("message").GetString(), Does.Contain("2 requests per minute"));
            Assert.That(h.Fake.ArrivedCount, Is.EqualTo(2));
        });

        time.Advance(TimeSpan.FromSeconds(15));
        using var nextMinute = await http.PostAsync(ChatUrl, Json(ChatBody(100)));
        Assert.That(nextMinute.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task RequestsPerMinute_AnthropicRoute_Is429InAnthropicShape()
    {
        await using var h = await StartAsync(At45s(), b => b.WithRateLimits(o => o.RequestsPerMinute = 1));
        using var http = h.Runtime.CreateHttpClient("a1");
        const string body = """{"model":"claude-sonnet-4-5","max_tokens":100,"messages":[{"role":"user","content":"hi"}]}""";

        using var first = await http.PostAsync(MessagesUrl, Json(body));
        using var refused = await http.PostAsync(MessagesUrl, Json(body));
        using var doc = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        var error = doc.RootElement.GetProperty("error");

        Assert.Multiple(() =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(refused.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(15)));
            Assert.That(doc.RootElement.GetProperty("type").GetString(), Is.EqualTo("error"));
            Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("rate_limit_error"));
            Assert.That(error.GetProperty("message").GetString(), Does.Contain("1 requests per minute"));
            Assert.That(error.TryGetProperty("code", out _), Is.False);
        });
    }

    [Test]
    public async Task TokensPerMinute_CountsInputBoundPlusOutputLimit_CorrectedToUsageWhenTheCallEnds()
    {
        long perCall = Tokens(500);
        await using var h = await StartAsync(At45s(), b => b.WithRateLimits(o => o.TokensPerMinute = 2 * perCall));
        h.Fake.Usage = new TokenUsage(10, 5);
        h.Fake.HoldResponses();
        using var http = h.Runtime.CreateHttpClient("a1");

        var held = new[] { http.PostAsync(ChatUrl, Json(ChatBody(500))), http.PostAsync(ChatUrl, Json(ChatBody(500))) };
        await h.Fake.WaitForArrivalsAsync(2);
        using var whileHeld = await http.PostAsync(ChatUrl, Json(ChatBody(500)));
        using var doc = JsonDocument.Parse(await whileHeld.Content.ReadAsStringAsync());
        h.Fake.ReleaseHeld();
        foreach (var r in await Task.WhenAll(held))
        {
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            r.Dispose();
        }

        // Both calls settled at 15 tokens each: 30 + perCall fits 2 × perCall.
        using var afterSettle = await http.PostAsync(ChatUrl, Json(ChatBody(500)));

        Assert.Multiple(() =>
        {
            Assert.That(whileHeld.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(doc.RootElement.GetProperty("error").GetProperty("type").GetString(), Is.EqualTo("tokens"));
            Assert.That(doc.RootElement.GetProperty("error").GetProperty("message").GetString(), Does.Contain($"counts {perCall} tokens"));
            Assert.That(afterSettle.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task TokensPerMinute_CallLargerThanAMinute_Is429WithoutRetryAfter()
    {
        await using var h = await StartAsync(At45s(), b => b.WithRateLimits(o => o.TokensPerMinute = 100));
        using var http = h.Runtime.CreateHttpClient("a1");

        using var refused = await http.PostAsync(ChatUrl, Json(ChatBody(500)));

        Assert.Multiple(() =>
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(refused.Headers.RetryAfter, Is.Null);
            Assert.That(h.Fake.ArrivedCount, Is.Zero);
        });
    }

    [Test]
    public async Task MoneyRefusal_TakesNoRate()
    {
        await using var h = await StartAsync(At45s(), b => b.WithBudget(WorstCase(100) * 1.5m).WithRateLimits(o => o.RequestsPerMinute = 1));
        using var http = h.Runtime.CreateHttpClient("a1");

        using var tooDear = await http.PostAsync(ChatUrl, Json(ChatBody(100_000)));
        using var affordable = await http.PostAsync(ChatUrl, Json(ChatBody(100)));

        Assert.Multiple(() =>
        {
            Assert.That(tooDear.StatusCode, Is.EqualTo(HttpStatusCode.PaymentRequired));
            Assert.That(affordable.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the 402 must have given its request back");
        });
    }

    [Test]
    public async Task RateRefusal_ReservesNoMoney()
    {
        await using var h = await StartAsync(At45s(), b => b.WithBudget(1m).WithRateLimits(o => o.RequestsPerMinute = 1));
        h.Fake.Usage = new TokenUsage(10, 100);
        h.Fake.HoldResponses();
        using var http = h.Runtime.CreateHttpClient("a1");

        var admitted = http.PostAsync(ChatUrl, Json(ChatBody(100)));
        await h.Fake.WaitForArrivalsAsync(1);
        using var refused = await http.PostAsync(ChatUrl, Json(ChatBody(100)));
        var during = h.Runtime.GetBudget();
        h.Fake.ReleaseHeld();
        (await admitted).Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(during.Reserved, Is.EqualTo(WorstCase(100)), "only the admitted call holds money");
            Assert.That(h.Runtime.GetBudget().Spent, Is.EqualTo((10 * InputPerToken) + (100 * OutputPerToken)));
            Assert.That(h.Runtime.GetBudget().Reserved, Is.Zero);
        });
    }

    [Test]
    public async Task AgentRequestsPerMinute_LimitsEachAgentAlone()
    {
        await using var h = await StartAsync(At45s(), b => b.WithRateLimits(o => o.AgentRequestsPerMinute = 1));
        using var a1 = h.Runtime.CreateHttpClient("a1");
        using var a2 = h.Runtime.CreateHttpClient("a2");

        using var first = await a1.PostAsync(ChatUrl, Json(ChatBody(100)));
        using var again = await a1.PostAsync(ChatUrl, Json(ChatBody(100)));
        using var other = await a2.PostAsync(ChatUrl, Json(ChatBody(100)));

        Assert.Multiple(async () =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("message").GetString(), Does.Contain("agent 'a1'"));
            Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task AgentOptions_RequestsPerMinute_AppliesToThatAgent()
    {
        await using var h = await StartAsync(At45s(), _ => { });
        var statuses = new TaskCompletionSource<HttpStatusCode[]>(TaskCreationOptions.RunContinuationsAsynchronously);

        await h.Runtime.StartAgentAsync(async ctx =>
        {
            using var first = await ctx.HttpClient.PostAsync(ChatUrl, Json(ChatBody(100)));
            using var second = await ctx.HttpClient.PostAsync(ChatUrl, Json(ChatBody(100)));
            statuses.SetResult([first.StatusCode, second.StatusCode]);
        }, new AgentOptions { AgentId = "limited", RequestsPerMinute = 1 });

        Assert.That(await statuses.Task.WaitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
    }

    [Test]
    public async Task Configuration_BudgetRateLimits_AreBoundAndEnforced()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["IronRuntime:Budget:RateLimits:RequestsPerMinute"] = "1",
        }).Build();
        await using var h = await StartAsync(At45s(), b => b.BindConfiguration(config.GetSection(RuntimeConfig.SectionName)));
        using var http = h.Runtime.CreateHttpClient();

        using var first = await http.PostAsync(ChatUrl, Json(ChatBody(100)));
        using var second = await http.PostAsync(ChatUrl, Json(ChatBody(100)));

        Assert.Multiple(() =>
        {
            Assert.That(new[] { first.StatusCode, second.StatusCode }, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
            Assert.That(h.Runtime.GetBudget().Limit, Is.Null, "IronRuntime:Budget:RateLimits must not make IronRuntime:Budget a limit");
        });
    }

    [Test]
    public async Task Configuration_BudgetWithRateLimits_KeepsBothTheLimitAndTheBudgetFromCode()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["IronRuntime:Budget"] = "2.5",
            ["IronRuntime:Budget:RateLimits:RequestsPerMinute"] = "1",
        }).Build();
        await using var fromConfig = await StartAsync(At45s(), b => b.BindConfiguration(config.GetSection(RuntimeConfig.SectionName)));
        var sectionOnly = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["IronRuntime:Budget:Redis:KeyPrefix"] = "x",
        }).Build();
        await using var fromCode = await StartAsync(At45s(), b => b.WithBudget(3m).BindConfiguration(sectionOnly.GetSection(RuntimeConfig.SectionName)));

        Assert.Multiple(() =>
        {
            Assert.That(fromConfig.Runtime.GetBudget().Limit, Is.EqualTo(2.5m));
            Assert.That(fromCode.Runtime.GetBudget().Limit, Is.EqualTo(3m));
        });
    }

    [TestCase("RequestsPerMinute")]
    [TestCase("TokensPerMinute")]
    [TestCase("AgentRequestsPerMinute")]
    [TestCase("AgentTokensPerMinute")]
    public void Configuration_ZeroLimit_FailsValidationNamingIt(string member)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"IronRuntime:Budget:RateLimits:{member}"] = "0",
        }).Build();
        var services = new ServiceCollection();
        services.AddIronRuntime(config.GetSection(RuntimeConfig.SectionName));
        using var sp = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<AgentRuntime>());

        Assert.That(ex!.Message, Does.Contain(member));
    }
}
