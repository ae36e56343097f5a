using System.Diagnostics;
using IronRuntime.ChatClients;
using IronRuntime.Pricing;
using IronRuntime.Resilience;
using IronRuntime.Router;
using IronRuntime.Tests.ChatClients;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using static IronRuntime.Tests.Resilience.ResilienceTestSupport;

namespace IronRuntime.Tests.Telemetry;

/// <summary>
/// <c>AddIronRuntimeInstrumentation()</c> with the OpenTelemetry SDK and its in-memory exporter: names, units, bucket
/// boundaries and attributes by the GenAI semantic conventions, and the runtime's own instruments. Each test uses a
/// model of its own, so points of other runtimes in the process are never counted.
/// </summary>
[NonParallelizable] // the providers see every IronRuntime source and meter in the process
public sealed class OpenTelemetryTests
{
    private static readonly double[] TokenBounds = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
    private static readonly double[] DurationBounds = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

    private readonly List<Activity> _spans = [];
    private readonly List<Metric> _metrics = [];
    private TracerProvider _tracing = null!;
    private MeterProvider _metering = null!;

    [SetUp]
    public void SetUp()
    {
        _tracing = Sdk.CreateTracerProviderBuilder().AddIronRuntimeInstrumentation().AddInMemoryExporter(_spans).Build();
        _metering = Sdk.CreateMeterProviderBuilder().AddIronRuntimeInstrumentation().AddInMemoryExporter(_metrics).Build();
    }

    [TearDown]
    public void TearDown()
    {
        _tracing.Dispose();
        _metering.Dispose();
    }

    [Test]
    public async Task WireCall_SpanAndGenAiHistograms_FollowTheSemanticConventions()
    {
        const string Model = "gpt-otel-wire";
        await using var h = await RuntimeHarness.StartAsync(b => b.OverridePrice(Model, new ModelPrice { InputPerToken = 0.000001m, OutputPerToken = 0.000002m }));
        h.Fake.Usage = new TokenUsage(17, 9);
        using var client = h.Runtime.GetChatClient(Model, "otel-agent");

        await client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 30 });
        await Eventually.UntilAsync(() => h.Runtime.GetBudget("otel-agent").Reserved == 0m && Spans(Model).Count == 1);
        var points = Points();

        var span = Spans(Model).Single();
        Assert.Multiple(() =>
        {
            Assert.That(span.DisplayName, Is.EqualTo("chat " + Model));
            Assert.That(span.Kind, Is.EqualTo(ActivityKind.Client));
            Assert.That(span.GetTagItem("gen_ai.operation.name"), Is.EqualTo("chat"));
            Assert.That(span.GetTagItem("gen_ai.provider.name"), Is.EqualTo("openai"));
            Assert.That(span.GetTagItem("gen_ai.request.model"), Is.EqualTo(Model));
            Assert.That(span.GetTagItem("gen_ai.response.model"), Is.EqualTo(Model));
            Assert.That(span.GetTagItem("gen_ai.request.max_tokens"), Is.EqualTo(30L));
            Assert.That(span.GetTagItem("gen_ai.usage.input_tokens"), Is.EqualTo(17L));
            Assert.That(span.GetTagItem("gen_ai.usage.output_tokens"), Is.EqualTo(9L));
            Assert.That(span.GetTagItem("error.type"), Is.Null);

            var tokens = points.Where(p => p.Name == "gen_ai.client.token.usage" && p.Tag("gen_ai.request.model") == Model).ToList();
            Assert.That(tokens.Select(p => (p.Tag("gen_ai.token.type"), p.Sum)), Is.EquivalentTo(new[] { ("input", 17.0), ("output", 9.0) }));
            Assert.That(tokens.Select(p => p.Unit).Distinct(), Is.EqualTo(new[] { "{token}" }));
            Assert.That(tokens[0].Bounds, Is.EqualTo(TokenBounds));
            Assert.That(tokens.All(p => p.Tag("gen_ai.provider.name") == "openai" && p.Tag("gen_ai.operation.name") == "chat"), Is.True);

            var duration = points.Single(p => p.Name == "gen_ai.client.operation.duration" && p.Tag("gen_ai.request.model") == Model);
            Assert.That(duration.Unit, Is.EqualTo("s"));
            Assert.That(duration.Bounds, Is.EqualTo(DurationBounds));
            Assert.That(duration.Count, Is.EqualTo(1));

            var spend = points.Single(p => p.Name == "ironruntime.budget.spend" && p.Tag("ironruntime.agent.id") == "otel-agent");
            Assert.That(spend.Unit, Is.EqualTo("USD"));
            Assert.That(spend.Value, Is.EqualTo((double)((17 * 0.000001m) + (9 * 0.000002m))).Within(1e-12));
        });
    }

    [Test]
    public async Task Middleware_CallAndDenial_SpansMetricsAndGaugesPerAgent()
    {
        const string Model = "otel-local-model";
        await using var runtime = AgentRuntime.CreateBuilder()
            .OverridePrice("ollama/" + Model, new ModelPrice { InputPerToken = 0.000001m, OutputPerToken = 0.000002m })
            .Build();
        runtime.SetBudget("m-agent", 0.002m);
        var inner = new TestChatClient("ollama", Model);
        using var client = inner.AsBuilder().UseIronRuntime(runtime, o => o.AgentId = "m-agent").Build();

        await client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 10 }); // 1000 in, 250 out: $0.0015
        Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 1000 }));
        var points = Points();

        var spans = Spans(Model);
        Assert.Multiple(() =>
        {
            Assert.That(spans, Has.Count.EqualTo(2));
            var ok = spans.Single(s => s.GetTagItem("error.type") is null);
            Assert.That(ok.GetTagItem("gen_ai.provider.name"), Is.EqualTo("ollama"));
            Assert.That(ok.GetTagItem("gen_ai.response.model"), Is.EqualTo(Model + "-2025"));
            Assert.That(ok.GetTagItem("gen_ai.usage.input_tokens"), Is.EqualTo(1000L));
            Assert.That(ok.GetTagItem("gen_ai.usage.output_tokens"), Is.EqualTo(250L));
            Assert.That(ok.GetTagItem("ironruntime.agent.id"), Is.EqualTo("m-agent"));
            var denied = spans.Single(s => s.GetTagItem("error.type") is not null);
            Assert.That(denied.GetTagItem("error.type"), Is.EqualTo("iron_runtime_budget_exceeded"));
            Assert.That(denied.Status, Is.EqualTo(ActivityStatusCode.Error));

            Assert.That(points.Where(p => p.Name == "gen_ai.client.token.usage" && p.Tag("gen_ai.request.model") == Model).Select(p => (p.Tag("gen_ai.token.type"), p.Sum)),
                Is.EquivalentTo(new[] { ("input", 1000.0), ("output", 250.0) }));
            var denials = points.Single(p => p.Name == "ironruntime.budget.denials" && p.Tag("gen_ai.request.model") == Model);
            Assert.That((denials.Unit, denials.Value, denials.Tag("ironruntime.agent.id")), Is.EqualTo(("{call}", 1.0, "m-agent")));
            Assert.That(points.Single(p => p.Name == "ironruntime.budget.spend" && p.Tag("ironruntime.agent.id") == "m-agent").Value, Is.EqualTo(0.0015).Within(1e-12));
            Assert.That(points.Single(p => p.Name == "ironruntime.budget.limit" && p.Tag("ironruntime.agent.id") == "m-agent").Value, Is.EqualTo(0.002).Within(1e-12));
            Assert.That(points.Single(p => p.Name == "ironruntime.budget.reserved" && p.Tag("ironruntime.agent.id") == "m-agent").Value, Is.Zero);
        });
    }

    [Test]
    public async Task Middleware_BreakerOpensAndPiiFound_CountedByStateAndEntityType()
    {
        await using var runtime = AgentRuntime.CreateBuilder()
            .OverridePrice("breaky/otel-breaker-model", new ModelPrice { InputPerToken = 0.000001m, OutputPerToken = 0.000002m })
            .Configure(c =>
            {
                c.Resilience.MinimumThroughput = 2;
                c.Resilience.BreakDuration = TimeSpan.FromMinutes(5);
                c.Pii.RequestMode = IronRuntime.Pii.PiiMode.Redact;
            })
            .Build();
        var inner = new TestChatClient("breaky", "otel-breaker-model");
        using var client = inner.AsBuilder().UseIronRuntime(runtime).Build();
        await client.GetResponseAsync("Mail john.doe@example.com", new ChatOptions { MaxOutputTokens = 10 });
        inner.Failure = new HttpRequestException("refused");
        // One success and one failure: a failure ratio of 0.5 over the minimum throughput of 2 opens the breaker.
        Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 10 }));
        Assert.ThrowsAsync<ProviderUnavailableException>(() => client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 10 }));

        var points = Points();

        Assert.Multiple(() =>
        {
            var change = points.Single(p => p.Name == "ironruntime.provider.state_changes" && p.Tag("ironruntime.provider.endpoint") == "breaky");
            Assert.That((change.Unit, change.Tag("ironruntime.circuit.state"), change.Value), Is.EqualTo(("{change}", "open", 1.0)));
            var pii = points.Where(p => p.Name == "ironruntime.pii.detections" && p.Tag("pii.entity_type") == "EMAIL" && p.Tag("pii.direction") == "request").ToList();
            Assert.That(pii.Sum(p => p.Value), Is.GreaterThanOrEqualTo(1.0));
        });
    }

    [Test]
    public async Task WireStream_IdleTimeout_IsCounted()
    {
        const string Model = "claude-otel-timeout";
        var time = new FakeTimeProvider();
        await using var h = await RuntimeHarness.StartAsync(b => b.UseTime(time)
            .OverridePrice(Model, new ModelPrice { InputPerToken = 0.000001m, OutputPerToken = 0.000002m })
            .ConfigureResilience(o =>
            {
                o.MaxRetryAttempts = 0;
                o.StreamIdleTimeout = TimeSpan.FromSeconds(10);
            }));
        h.Fake.EventDelay = TimeSpan.FromHours(1); // the fake stalls after the first event, on the real clock
        using var http = h.Runtime.CreateHttpClient("slow");
        using var request = Messages(model: Model, stream: true);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[16 * 1024];
        _ = await stream.ReadAsync(buffer);
        var pending = stream.ReadAsync(buffer).AsTask();
        await time.AdvanceUntilAsync(TimeSpan.FromSeconds(1), () => pending.IsCompleted, TimeSpan.FromSeconds(60));
        await pending;
        await Eventually.UntilAsync(() => h.Runtime.GetMetrics("slow").Requests == 1);

        var timeouts = Points().Single(p => p.Name == "ironruntime.stream.timeouts" && p.Tag("gen_ai.request.model") == Model);
        Assert.That((timeouts.Unit, timeouts.Value, timeouts.Tag("gen_ai.provider.name")), Is.EqualTo(("{stream}", 1.0, "anthropic")));
    }

    private List<Activity> Spans(string model)
    {
        _tracing.ForceFlush();
        lock (_spans)
        {
            return [.. _spans.Where(s => (string?)s.GetTagItem("gen_ai.request.model") == model)];
        }
    }

    private List<Point> Points()
    {
        _metrics.Clear();
        _metering.ForceFlush();
        var points = new List<Point>();
        foreach (var metric in _metrics)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var tags = new Dictionary<string, string?>(StringComparer.Ordinal);
                foreach (var tag in point.Tags)
                {
                    tags[tag.Key] = tag.Value?.ToString();
                }

                double value = metric.MetricType switch
                {
                    MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong(),
                    MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => point.GetSumDouble(),
                    MetricType.DoubleGauge => point.GetGaugeLastValueDouble(),
                    MetricType.LongGauge => point.GetGaugeLastValueLong(),
                    _ => double.NaN,
                };
                bool histogram = metric.MetricType == MetricType.Histogram;
                var bounds = new List<double>();
                if (histogram)
                {
                    foreach (var bucket in point.GetHistogramBuckets())
                    {
                        if (!double.IsPositiveInfinity(bucket.ExplicitBound))
                        {
                            bounds.Add(bucket.ExplicitBound);
                        }
                    }
                }

                points.Add(new Point(metric.Name, metric.Unit, tags, value, histogram ? point.GetHistogramSum() : double.NaN, histogram ? point.GetHistogramCount() : 0, bounds));
            }
        }

        return points;
    }

    private sealed record Point(string Name, string Unit, Dictionary<string, string?> Tags, double Value, double Sum, long Count, List<double> Bounds)
    {
        public string? Tag(string key) => Tags.GetValueOrDefault(key);
    }
}
