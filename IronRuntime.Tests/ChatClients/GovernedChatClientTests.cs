using IronRuntime.Agents;
using IronRuntime.Router;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.AI;

namespace IronRuntime.Tests.ChatClients;

/// <summary>
/// <c>GetChatClient</c>: the official SDKs' <see cref="IChatClient"/>s over the governed HTTP client, against the fake
/// provider. Costs are written by hand from the shipped price table: gpt-4o-mini $0.15 / $0.60 per million input /
/// output tokens, claude-sonnet-4-5 $3 / $15.
/// </summary>
public sealed class GovernedChatClientTests
{
    private const decimal MiniIn = 0.15m / 1_000_000m;
    private const decimal MiniOut = 0.60m / 1_000_000m;
    private const decimal SonnetIn = 3m / 1_000_000m;
    private const decimal SonnetOut = 15m / 1_000_000m;

    [System.ComponentModel.Description("Looks up the time of high tide in a port.")]
    private static string GetTide([System.ComponentModel.Description("The port.")] string port) => $"High tide in {port} at 18:40.";

    [Test]
    public async Task GetChatClient_OpenAIToolRoundTrip_ToolRunsAndBothCallsAreChargedExactly()
    {
        await using var h = await RuntimeHarness.StartAsync();
        h.Runtime.SetBudget("tides", 1m);
        h.Fake.ReplayNext(1, "chat.gpt-4o-mini.tool-call.json"); // 82 in, 17 out: a call of get_tide
        h.Fake.Usage = new TokenUsage(120, 9);                    // the final answer
        using var client = h.Runtime.GetChatClient("gpt-4o-mini", "tides").AsBuilder().UseFunctionInvocation().Build();

        var response = await client.GetResponseAsync("When is high tide in Brest?", new ChatOptions { Tools = [AIFunctionFactory.Create(GetTide, "get_tide")] });

        decimal expected = (82 * MiniIn) + (17 * MiniOut) + (120 * MiniIn) + (9 * MiniOut);
        await Eventually.UntilAsync(() => h.Runtime.GetBudget("tides").Spent == expected, because: "both calls settle");
        Assert.Multiple(() =>
        {
            Assert.That(response.Text, Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(h.Fake.Requests, Has.Count.EqualTo(2));
            string second = System.Text.Encoding.UTF8.GetString(h.Fake.Requests[1].Body);
            Assert.That(second, Does.Contain("call_Yb3kT9mQ2xW7vL1nR5cH8pZd").And.Contain("High tide in Brest at 18:40."));
            Assert.That(h.Fake.Requests[0].Headers["Authorization"], Is.EqualTo("Bearer " + FakeProvider.OpenAIKey), "the router injects the real key");
            Assert.That(h.Runtime.GetBudget("tides").Spent, Is.EqualTo(0.0000459m));
            Assert.That(h.Runtime.GetBudget("tides").Reserved, Is.Zero);
        });
    }

    [Test]
    public async Task GetChatClient_OpenAIStreaming_TextArrivesAndIsChargedExactly()
    {
        await using var h = await RuntimeHarness.StartAsync();
        h.Runtime.SetBudget("streamer", 1m);
        h.Fake.Usage = new TokenUsage(10, 5);
        h.Fake.WriteChunkSize = 7;
        using var client = h.Runtime.GetChatClient("gpt-4o-mini", "streamer");

        var text = new System.Text.StringBuilder();
        int updates = 0;
        await foreach (var update in client.GetStreamingResponseAsync("Say hello."))
        {
            text.Append(update.Text);
            updates++;
        }

        await Eventually.UntilAsync(() => h.Runtime.GetBudget("streamer").Reserved == 0m, because: "the stream settles");
        Assert.Multiple(() =>
        {
            Assert.That(text.ToString(), Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(updates, Is.GreaterThan(3), "streamed in pieces");
            Assert.That(h.Runtime.GetBudget("streamer").Spent, Is.EqualTo((10 * MiniIn) + (5 * MiniOut)).And.EqualTo(0.0000045m));
        });
    }

    [Test]
    public async Task GetChatClient_OpenAIStreamingToolCall_ArgumentsAssembleAndToolRuns()
    {
        await using var h = await RuntimeHarness.StartAsync();
        h.Runtime.SetBudget("tides", 1m);
        h.Fake.ReplayNext(1, "chat.gpt-4o-mini.stream-tool-call.sse"); // 82 in, 17 out
        h.Fake.Usage = new TokenUsage(120, 9);
        using var client = h.Runtime.GetChatClient("gpt-4o-mini", "tides").AsBuilder().UseFunctionInvocation().Build();

        var text = new System.Text.StringBuilder();
        await foreach (var update in client.GetStreamingResponseAsync("When is high tide in Brest?", new ChatOptions { Tools = [AIFunctionFactory.Create(GetTide, "get_tide")] }))
        {
            text.Append(update.Text);
        }

        await Eventually.UntilAsync(() => h.Runtime.GetBudget("tides").Reserved == 0m && h.Fake.Requests.Count == 2, because: "both calls settle");
        Assert.Multiple(() =>
        {
            Assert.That(text.ToString(), Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(System.Text.Encoding.UTF8.GetString(h.Fake.Requests[1].Body), Does.Contain("High tide in Brest at 18:40."));
            Assert.That(h.Runtime.GetBudget("tides").Spent, Is.EqualTo(0.0000459m));
        });
    }

    [Test]
    public async Task GetChatClient_AnthropicToolRoundTripInAgent_ToolRunsAndIsChargedExactly()
    {
        await using var h = await RuntimeHarness.StartAsync();
        h.Fake.ReplayNext(1, "messages.claude-sonnet-4-5.tool-use.json"); // 390 in, 55 out: a tool_use of get_tide
        h.Fake.Usage = new TokenUsage(200, 12);
        string? answer = null;
        var handle = await h.Runtime.StartAgentAsync(async ctx =>
        {
            using var client = ctx.GetChatClient("claude-sonnet-4-5").AsBuilder().UseFunctionInvocation().Build();
            var response = await client.GetResponseAsync("When is high tide in Brest?",
                new ChatOptions { MaxOutputTokens = 300, Tools = [AIFunctionFactory.Create(GetTide, "get_tide")] }, ctx.StoppingToken);
            answer = response.Text;
        }, new AgentOptions { AgentId = "claude-tides", Budget = 1m });
        await handle.WaitForExitAsync();

        decimal expected = (390 * SonnetIn) + (55 * SonnetOut) + (200 * SonnetIn) + (12 * SonnetOut);
        await Eventually.UntilAsync(() => h.Runtime.GetBudget("claude-tides").Reserved == 0m, because: "both calls settle");
        Assert.Multiple(() =>
        {
            Assert.That(handle.Status, Is.EqualTo(AgentStatus.Exited), handle.Fault?.ToString());
            Assert.That(answer, Is.EqualTo("Let me look up the tide.\n" + FakeProvider.DefaultReplyText), "the text before the tool call, then the answer");
            Assert.That(h.Fake.Requests, Has.Count.EqualTo(2));
            Assert.That(h.Fake.Requests[1].Path, Is.EqualTo("/v1/messages"));
            Assert.That(System.Text.Encoding.UTF8.GetString(h.Fake.Requests[1].Body),
                Does.Contain("toolu_01A9sD3fG5hJ7kL9zX1cV3bN").And.Contain("High tide in Brest at 18:40."));
            Assert.That(h.Runtime.GetBudget("claude-tides").Spent, Is.EqualTo(expected).And.EqualTo(0.002775m));
        });
    }

    [Test]
    public async Task GetChatClient_OpenAIOverBudget_RouterRefusalSurfacesAsBudgetExceeded()
    {
        await using var h = await RuntimeHarness.StartAsync();
        h.Runtime.SetBudget("poor", 0.000001m);
        using var client = h.Runtime.GetChatClient("gpt-4o-mini", "poor");

        var ex = Assert.ThrowsAsync<IronRuntime.ChatClients.BudgetExceededException>(() => client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 1000 }));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.StatusCode, Is.EqualTo(402));
            Assert.That(ex.ErrorCode, Is.EqualTo("budget_exceeded"));
            Assert.That(ex.AgentId, Is.EqualTo("poor"));
            Assert.That(ex.Message, Does.StartWith("IronRuntime budget exceeded for agent 'poor'"));
            Assert.That(ex.InnerException, Is.TypeOf<System.ClientModel.ClientResultException>(), "the SDK's own error is kept");
            Assert.That(h.Fake.ArrivedCount, Is.Zero, "nothing reached the provider");
        });
    }

    [Test]
    public async Task GetChatClient_AnthropicStreamingOverBudget_RouterRefusalSurfacesAsBudgetExceeded()
    {
        await using var h = await RuntimeHarness.StartAsync();
        h.Runtime.SetBudget("poor", 0.000001m);
        using var client = h.Runtime.GetChatClient("claude-sonnet-4-5", "poor");

        var ex = Assert.ThrowsAsync<IronRuntime.ChatClients.BudgetExceededException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync("hi", new ChatOptions { MaxOutputTokens = 1000 }))
            {
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorType, Is.EqualTo("iron_runtime_budget_exceeded"));
            Assert.That(ex.Message, Does.StartWith("IronRuntime budget exceeded for agent 'poor'"));
            Assert.That(h.Fake.ArrivedCount, Is.Zero);
        });
    }
}
