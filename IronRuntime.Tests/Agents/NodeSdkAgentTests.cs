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
    /// <summary>Each agent makes one call and one streamed call; both answers, their usage and the upstream key are checked.</summary>
    [TestCase("openai_agent.cjs", "CHAT ", "prompt_tokens", "chunks", "Authorization", "Bearer " + FakeProvider.OpenAIKey, TestName = "OpenAISdkAgent_ChatAndStreamingChat_ThroughProxy_MeteredForTheAgent")]
    [TestCase("anthropic_agent.cjs", "MESSAGE ", "input_tokens", "deltas", "x-api-key", FakeProvider.AnthropicKey, TestName = "AnthropicSdkAgent_MessagesAndStreaming_ThroughProxy_MeteredForTheAgent")]
    public async Task SdkAgent_CallAndStreamedCall_ThroughProxy_MeteredForTheAgent(
        string script, string callPrefix, string inputTokensField, string piecesField, string keyHeader, string upstreamKey)
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(1m));
        h.Fake.Usage = new TokenUsage(21, 8);
        var options = ProcessAgents.Node();
        options.AgentId = "sdk-agent";

        var agent = await h.Runtime.StartAgentAsync(ProcessAgents.NodeAgent(script), options);
        await agent.ExpectExitAsync();

        using var call = Json(agent, callPrefix);
        using var stream = Json(agent, "STREAM ");
        var metrics = h.Runtime.GetMetrics("sdk-agent");
        Assert.Multiple(() =>
        {
            Assert.That(call.RootElement.GetProperty("text").GetString(), Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(call.RootElement.GetProperty("usage").GetProperty(inputTokensField).GetInt32(), Is.EqualTo(21));
            Assert.That(stream.RootElement.GetProperty("text").GetString(), Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(stream.RootElement.GetProperty(piecesField).GetInt32(), Is.GreaterThan(2), "streamed in pieces");
            Assert.That((metrics.Requests, metrics.SucceededRequests, metrics.InputTokens, metrics.OutputTokens), Is.EqualTo((2L, 2L, 42L, 16L)));
            Assert.That(metrics.BudgetSpent, Is.GreaterThan(0m));
            Assert.That(h.Fake.Requests.Select(r => r.Header(keyHeader)), Is.All.EqualTo(upstreamKey));
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
