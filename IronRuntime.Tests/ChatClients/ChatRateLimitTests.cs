using IronRuntime.ChatClients;
using IronRuntime.Pricing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IronRuntime.Tests.ChatClients;

/// <summary>
/// Rate limits on the <c>UseIronRuntime()</c> path. The test client reports 1,000 input and 250 output tokens; the prompt
/// "hi" is bounded at 82 tokens (64 per call + 16 per message + 2 bytes), so a call with 100 output tokens counts 182.
/// </summary>
public sealed class ChatRateLimitTests
{
    private const string Provider = "ollama";
    private const string Model = "llama3.1";

    private static AgentRuntime Runtime(Action<IronRuntime.Budget.RateLimitOptions> limits) => AgentRuntime.CreateBuilder()
        .OverridePrice(Provider + "/" + Model, new ModelPrice { InputPerToken = 0.000001m, OutputPerToken = 0.000002m })
        .WithRateLimits(limits)
        .UseTestTime()
        .Build();

    [Test]
    public async Task RequestsPerMinute_Reached_ThrowsRateLimitExceededAndSendsNothing()
    {
        await using var runtime = Runtime(o => o.AgentRequestsPerMinute = 1);
        var inner = new TestChatClient(Provider, Model);
        using var client = inner.AsBuilder().UseIronRuntime(runtime, o => o.AgentId = "agent").Build();

        await client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 100 });
        var ex = Assert.ThrowsAsync<RateLimitExceededException>(() => client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 100 }));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.StatusCode, Is.EqualTo(429));
            Assert.That(ex.ErrorType, Is.EqualTo("requests"));
            Assert.That(ex.ErrorCode, Is.EqualTo("rate_limit_exceeded"));
            Assert.That(ex.AgentId, Is.EqualTo("agent"));
            Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(15)));
            Assert.That(inner.Calls, Is.EqualTo(1));
            Assert.That(runtime.GetBudget("agent").Reserved, Is.Zero);
        });
    }

    [Test]
    public async Task TokensPerMinute_CorrectedToTheReportedUsage()
    {
        // 182 counted at admission, 1,250 once the usage is reported: a second call (182 more) no longer fits 1,300.
        await using var runtime = Runtime(o => o.TokensPerMinute = 1_300);
        var inner = new TestChatClient(Provider, Model);
        using var client = inner.AsBuilder().UseIronRuntime(runtime).Build();

        await client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 100 });
        var ex = Assert.ThrowsAsync<RateLimitExceededException>(() => client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 100 }));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorType, Is.EqualTo("tokens"));
            Assert.That(ex.Message, Does.Contain("counts 182 tokens"));
            Assert.That(inner.Calls, Is.EqualTo(1));
        });
    }
}

internal static class TestTimeExtensions
{
    /// <summary>Runs the runtime on a fake clock 45 s into a minute (the next window opens 15 s later).</summary>
    public static IronRuntimeBuilder UseTestTime(this IronRuntimeBuilder builder)
    {
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 10, 0, 45, TimeSpan.Zero)));
        return builder;
    }
}
