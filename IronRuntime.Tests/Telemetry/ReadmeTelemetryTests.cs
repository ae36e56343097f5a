using System.Diagnostics.Metrics;
using System.Text;
using IronRuntime.Router;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace IronRuntime.Tests.Telemetry;

/// <summary>README: <c>Verbose</c> logs every call at Information; the <c>ironruntime.*</c> metrics count calls and cost.</summary>
[NonParallelizable] // the meter listener sees every IronRuntime meter in the process
public sealed class ReadmeTelemetryTests
{
    private const string ChatUrl = "https://api.openai.com/v1/chat/completions";
    private const string Body = """{"model":"gpt-4o-mini","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}""";

    [TestCase(true)]
    [TestCase(false)]
    public async Task Verbose_LogsEveryCallWithTokensAndCost_OnlyWhenOn(bool verbose)
    {
        var logs = new FakeLogCollector();
        await using var h = await RuntimeHarness.StartAsync(b => b
            .Configure(c => c.Verbose = verbose)
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Information).AddProvider(new FakeLoggerProvider(logs))));
        h.Fake.Usage = new TokenUsage(100, 20);
        using var http = h.Runtime.CreateHttpClient("chatty");

        using var response = await http.PostAsync(ChatUrl, new StringContent(Body, Encoding.UTF8, "application/json"));

        var summaries = logs.GetSnapshot().Where(r => r.Id.Id == 2005).ToList();
        if (!verbose)
        {
            Assert.That(summaries, Is.Empty);
            return;
        }

        // 100 × 1.5e-07 + 20 × 6e-07 = $0.000027 (gpt-4o-mini in the shipped price table).
        Assert.That(summaries, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(summaries[0].Level, Is.EqualTo(LogLevel.Information));
            Assert.That(summaries[0].Message, Does.Contain("chatty").And.Contain("gpt-4o-mini").And.Contain("100 in / 20 out").And.Contain("$0.000027"));
        });
    }

    [Test]
    public async Task Metrics_CallsAndCost_RecordedPerCall()
    {
        var calls = new List<(long Value, string? Outcome)>();
        var cost = new List<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "IronRuntime" && instrument.Name.StartsWith("ironruntime.llm.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "ironruntime.llm.calls")
            {
                string? outcome = null;
                foreach (var tag in tags)
                {
                    outcome = tag.Key == "ironruntime.outcome" ? tag.Value as string : outcome;
                }

                lock (calls)
                {
                    calls.Add((value, outcome));
                }
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (instrument.Name == "ironruntime.llm.cost")
            {
                lock (cost)
                {
                    cost.Add(value);
                }
            }
        });
        listener.Start();

        await using var h = await RuntimeHarness.StartAsync();
        h.Fake.Usage = new TokenUsage(100, 20);
        using var http = h.Runtime.CreateHttpClient("metered");
        using (await http.PostAsync(ChatUrl, new StringContent(Body, Encoding.UTF8, "application/json")))
        {
        }

        h.Fake.FailNext(1, 400);
        using (await http.PostAsync(ChatUrl, new StringContent(Body, Encoding.UTF8, "application/json")))
        {
        }

        await Eventually.UntilAsync(() => { lock (calls) { return calls.Count >= 2; } });
        Assert.Multiple(() =>
        {
            Assert.That(calls.Select(c => c.Value), Is.All.EqualTo(1L));
            Assert.That(calls.Select(c => c.Outcome), Is.EquivalentTo(new[] { "Succeeded", "ProviderError" }));
            Assert.That(cost.Sum(), Is.EqualTo(0.000027).Within(1e-12), "the succeeded call's cost; the refused one costs nothing");
        });
    }
}
