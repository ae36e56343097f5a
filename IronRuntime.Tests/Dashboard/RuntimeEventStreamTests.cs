using System.Text.Json;
using IronRuntime.Dashboard;
using IronRuntime.Pricing;
using IronRuntime.Router;
using Microsoft.Extensions.Time.Testing;

namespace IronRuntime.Tests.Dashboard;

/// <summary>A slow dashboard loses its oldest events, never the newest, and never blocks the publisher.</summary>
public sealed class RuntimeEventStreamTests
{
    /// <summary>The queue of one subscriber, as documented on <see cref="RuntimeEventStream"/>.</summary>
    private const int Capacity = 1024;

    [Test]
    public void Subscriber_FallsBehind_OldestEventsDropped_NewestKept()
    {
        var stream = new RuntimeEventStream(PricingTable.Create(), new FakeTimeProvider());
        using var subscription = stream.Subscribe();
        const int published = Capacity + 10;

        for (int i = 0; i < published; i++)
        {
            stream.OnCallCompleted(Call($"agent-{i:D4}"));
        }

        var agents = new List<string>();
        while (subscription.Reader.TryRead(out byte[]? message))
        {
            using var doc = JsonDocument.Parse(message);
            agents.Add(doc.RootElement.GetProperty("agentId").GetString()!);
        }

        Assert.Multiple(() =>
        {
            Assert.That(agents, Has.Count.EqualTo(Capacity));
            Assert.That(agents[0], Is.EqualTo("agent-0010"), "the 10 oldest were dropped");
            Assert.That(agents[^1], Is.EqualTo($"agent-{published - 1:D4}"), "the newest is kept");
        });
    }

    [Test]
    public void Subscriber_Disposed_ReceivesNothingMore()
    {
        var stream = new RuntimeEventStream(PricingTable.Create(), new FakeTimeProvider());
        var subscription = stream.Subscribe();
        stream.OnCallCompleted(Call("before"));
        subscription.Dispose();
        stream.OnCallCompleted(Call("after"));

        Assert.That(subscription.Reader.TryRead(out byte[]? first), Is.True);
        Assert.That(JsonDocument.Parse(first!).RootElement.GetProperty("agentId").GetString(), Is.EqualTo("before"));
        Assert.That(subscription.Reader.TryRead(out _), Is.False);
    }

    private static LlmCall Call(string agentId) => new(agentId, 0)
    {
        Provider = LlmProvider.OpenAI,
        Api = LlmApi.ChatCompletions,
        Model = "gpt-4o-mini",
        Outcome = LlmCallOutcome.Succeeded,
        StatusCode = 200,
    };
}
