using System.Runtime.Versioning;
using System.Text.Json;
using IronRuntime.Agents;
using IronRuntime.Router;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Support;

namespace IronRuntime.Tests.Agents;

/// <summary>Node agents on the official <c>openai</c> and <c>@anthropic-ai/sdk</c> packages, unaware of the runtime.</summary>
[Platform("Linux")]
[SupportedOSPlatform("linux")]
public sealed class NodeSdkAgentTests
{
    [Test]
    public async Task OpenAISdkAgent_ChatAndStreamingChat_ThroughProxy_MeteredForTheAgent()
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(1m));
        h.Fake.Usage = new TokenUsage(21, 8);
        var options = ProcessAgents.Node();
        options.AgentId = "openai-node";

        var agent = await h.Runtime.StartAgentAsync(ProcessAgents.NodeAgent("openai_agent.cjs"), options);
        await agent.ExpectExitAsync();

        using var chat = Json(agent, "CHAT ");
        using var stream = Json(agent, "STREAM ");
        var metrics = h.Runtime.GetMetrics("openai-node");
        Assert.Multiple(() =>
        {
            Assert.That(chat.RootElement.GetProperty("text").GetString(), Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(chat.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), Is.EqualTo(21));
            Assert.That(stream.RootElement.GetProperty("text").GetString(), Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(stream.RootElement.GetProperty("chunks").GetInt32(), Is.GreaterThan(2), "streamed in chunks");
            Assert.That((metrics.Requests, metrics.SucceededRequests, metrics.InputTokens, metrics.OutputTokens), Is.EqualTo((2L, 2L, 42L, 16L)));
            Assert.That(metrics.BudgetSpent, Is.GreaterThan(0m));
            Assert.That(h.Fake.Requests.Select(r => r.Header("Authorization")), Is.All.EqualTo("Bearer " + FakeProvider.OpenAIKey));
        });
    }

    [Test]
    public async Task AnthropicSdkAgent_MessagesAndStreaming_ThroughProxy_MeteredForTheAgent()
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(1m));
        h.Fake.Usage = new TokenUsage(30, 9);
        var options = ProcessAgents.Node();
        options.AgentId = "anthropic-node";

        var agent = await h.Runtime.StartAgentAsync(ProcessAgents.NodeAgent("anthropic_agent.cjs"), options);
        await agent.ExpectExitAsync();

        using var message = Json(agent, "MESSAGE ");
        using var stream = Json(agent, "STREAM ");
        var metrics = h.Runtime.GetMetrics("anthropic-node");
        Assert.Multiple(() =>
        {
            Assert.That(message.RootElement.GetProperty("text").GetString(), Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(message.RootElement.GetProperty("usage").GetProperty("input_tokens").GetInt32(), Is.EqualTo(30));
            Assert.That(stream.RootElement.GetProperty("text").GetString(), Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(stream.RootElement.GetProperty("deltas").GetInt32(), Is.GreaterThan(2), "streamed in deltas");
            Assert.That((metrics.Requests, metrics.SucceededRequests, metrics.InputTokens, metrics.OutputTokens), Is.EqualTo((2L, 2L, 60L, 18L)));
            Assert.That(h.Fake.Requests.Select(r => r.Header("x-api-key")), Is.All.EqualTo(FakeProvider.AnthropicKey));
        });
    }

    [TestCase("openai_agent.cjs")]
    [TestCase("anthropic_agent.cjs")]
    public async Task SdkAgent_NoBudgetLeft_SdkRaisesTyped402WithTheRuntimesErrorType(string script)
    {
        await using var h = await RuntimeHarness.StartAsync();
        var options = ProcessAgents.Node();
        options.Budget = 0m;

        var agent = await h.Runtime.StartAgentAsync(ProcessAgents.NodeAgent(script), options);
        await agent.ExpectExitAsync(1);

        Assert.That(agent.Lines(), Is.EqualTo(new[] { "ERROR 402 iron_runtime_budget_exceeded" }));
        Assert.That(h.Fake.ArrivedCount, Is.Zero);
    }

    private static JsonDocument Json(AgentHandle agent, string prefix)
    {
        string? line = agent.Lines().FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        Assert.That(line, Is.Not.Null, $"no '{prefix}' line; the agent wrote: {string.Join(" | ", agent.Lines())}");
        return JsonDocument.Parse(line![prefix.Length..]);
    }
}
