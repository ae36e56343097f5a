using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using IronRuntime.Router;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace IronRuntime.Tests.Telemetry;

[NonParallelizable] // the activity listener sees every IronRuntime activity in the process
public sealed class TelemetryTests
{
    private const string Body = """{"model":"gpt-4o-mini","max_tokens":30,"messages":[{"role":"user","content":"hi"}]}""";

    [Test]
    public async Task CompletedCall_RecordsGenAiTokenUsageAndDuration()
    {
        await using var h = await RuntimeHarness.StartAsync();
        h.Fake.Usage = new TokenUsage(17, 9);
        var meters = h.Runtime.OwnedServices!.GetRequiredService<IMeterFactory>();
        using var tokens = new MetricCollector<long>(meters, "IronRuntime", "gen_ai.client.token.usage");
        using var duration = new MetricCollector<double>(meters, "IronRuntime", "gen_ai.client.operation.duration");
        using var http = h.Runtime.CreateHttpClient("a1");

        using var _ = await http.PostAsync("/v1/chat/completions", new StringContent(Body, Encoding.UTF8, "application/json"));

        var measurements = tokens.GetMeasurementSnapshot();
        Assert.Multiple(() =>
        {
            Assert.That(measurements.Select(m => (m.Value, m.Tags["gen_ai.token.type"])), Is.EquivalentTo(new[] { (17L, (object?)"input"), (9L, "output") }));
            Assert.That(measurements.All(m => (string?)m.Tags["gen_ai.provider.name"] == "openai" && (string?)m.Tags["gen_ai.request.model"] == "gpt-4o-mini"), Is.True);
            Assert.That(duration.GetMeasurementSnapshot(), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task CompletedCall_WithListener_EmitsActivityWithGenAiTags()
    {
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "IronRuntime",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (stopped) { stopped.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        await using var h = await RuntimeHarness.StartAsync();
        h.Fake.Usage = new TokenUsage(17, 9);
        using var http = h.Runtime.CreateHttpClient("traced-agent");

        using var _ = await http.PostAsync("/v1/chat/completions", new StringContent(Body, Encoding.UTF8, "application/json"));

        var activity = stopped.Single(a => (string?)a.GetTagItem("ironruntime.agent.id") == "traced-agent");
        Assert.Multiple(() =>
        {
            Assert.That(activity.DisplayName, Is.EqualTo("chat gpt-4o-mini"));
            Assert.That(activity.Kind, Is.EqualTo(ActivityKind.Client));
            Assert.That(activity.GetTagItem("gen_ai.usage.input_tokens"), Is.EqualTo(17L));
            Assert.That(activity.GetTagItem("gen_ai.usage.output_tokens"), Is.EqualTo(9L));
            Assert.That(activity.GetTagItem("gen_ai.request.max_tokens"), Is.EqualTo(30L));
            Assert.That(activity.Status, Is.EqualTo(ActivityStatusCode.Unset));
        });
    }
}
