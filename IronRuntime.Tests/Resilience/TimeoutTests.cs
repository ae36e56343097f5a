using System.Net;
using System.Text;
using IronRuntime.Resilience;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static IronRuntime.Tests.Resilience.ResilienceTestSupport;

namespace IronRuntime.Tests.Resilience;

/// <summary>Time to first byte, idle gaps inside a stream and the whole call, on a fake clock.</summary>
public sealed class TimeoutTests
{
    private FakeTimeProvider _time = null!;
    private RuntimeHarness _h = null!;

    [SetUp]
    public async Task SetUp()
    {
        _time = new FakeTimeProvider();
        _h = await RuntimeHarness.StartAsync(b => b.WithBudget(10m).UseTime(_time).ConfigureResilience(o =>
        {
            o.MaxRetryAttempts = 1;
            o.RetryBaseDelay = TimeSpan.Zero;
            o.FirstByteTimeout = TimeSpan.FromSeconds(5);
            o.StreamIdleTimeout = TimeSpan.FromSeconds(10);
            o.TotalTimeout = TimeSpan.FromSeconds(60);
        }));
    }

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    [Test]
    public async Task FirstByte_SlowFirstAttempt_TimesOutAndTheRetryAnswers()
    {
        _h.Fake.HoldResponses();
        using var http = _h.Runtime.CreateHttpClient("a1");

        var call = http.PostAsync(ChatUrl, Chat());
        await _h.Fake.WaitForArrivalsAsync(1);
        var waited = await _time.AdvanceUntilAsync(TimeSpan.FromSeconds(1), () => _h.Fake.ArrivedCount == 2, TimeSpan.FromSeconds(30));
        _h.Fake.ReleaseHeld();
        using var response = await call;

        Assert.Multiple(() =>
        {
            Assert.That(waited, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(_h.Runtime.GetMetrics("a1").SucceededRequests, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task FirstByte_EveryAttemptSlow_504ProviderShaped_NothingHeld()
    {
        _h.Fake.HoldResponses();
        using var http = _h.Runtime.CreateHttpClient("a1");

        var call = http.PostAsync(ChatUrl, Chat());
        await _time.AdvanceUntilAsync(TimeSpan.FromSeconds(1), () => call.IsCompleted, TimeSpan.FromSeconds(30));
        Assert.That(call.IsCompleted, Is.True);
        using var response = await call;

        var (type, message) = await ReadErrorAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.GatewayTimeout));
            Assert.That(type, Is.EqualTo("iron_runtime_provider_timeout"));
            Assert.That(message, Does.Contain("within 5 s").And.Contain("2 attempt(s)"));
            Assert.That(_h.Fake.ArrivedCount, Is.EqualTo(2));
            Assert.That(_h.Runtime.GetBudget().Reserved, Is.Zero);
            Assert.That(_h.Runtime.GetMetrics("a1").Errors, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task StreamIdle_ProviderStallsMidStream_ErrorEventEndsTheStream_PartialUsageCharged()
    {
        // The fake waits on the real clock between events: after the first event, it stalls for an hour.
        _h.Fake.EventDelay = TimeSpan.FromHours(1);
        using var http = _h.Runtime.CreateHttpClient("a1");
        using var request = Messages(stream: true);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[16 * 1024];
        int first = await stream.ReadAsync(buffer);
        string start = Encoding.UTF8.GetString(buffer, 0, first);

        var pending = stream.ReadAsync(buffer).AsTask();
        var waited = await _time.AdvanceUntilAsync(TimeSpan.FromSeconds(1), () => pending.IsCompleted, TimeSpan.FromSeconds(60));
        Assert.That(pending.IsCompleted, Is.True);
        string error = Encoding.UTF8.GetString(buffer, 0, await pending);
        int end = await stream.ReadAsync(buffer);

        await WaitUntilAsync(() => _h.Runtime.GetMetrics("a1").Requests == 1);
        var m = _h.Runtime.GetMetrics("a1");
        Assert.Multiple(() =>
        {
            Assert.That(start, Does.StartWith("event: message_start"));
            Assert.That(waited, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(10)));
            Assert.That(error, Does.StartWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"iron_runtime_stream_timeout\""));
            Assert.That(end, Is.Zero);
            Assert.That(m.Errors, Is.EqualTo(1));
            Assert.That(m.InputTokens, Is.GreaterThan(0), "message_start's usage is settled");
            Assert.That(m.BudgetSpent, Is.GreaterThan(0m));
            Assert.That(m.BudgetReserved, Is.Zero);
        });
    }

    [Test]
    public async Task TotalTimeout_NonStreamingCallOutlastsIt_504()
    {
        await _h.DisposeAsync();
        _time = new FakeTimeProvider();
        _h = await RuntimeHarness.StartAsync(b => b.UseTime(_time).ConfigureResilience(o =>
        {
            o.MaxRetryAttempts = 5;
            o.RetryBaseDelay = TimeSpan.Zero;
            o.FirstByteTimeout = TimeSpan.FromSeconds(20);
            o.TotalTimeout = TimeSpan.FromSeconds(30);
        }));
        _h.Fake.HoldResponses();
        using var http = _h.Runtime.CreateHttpClient("a1");

        var call = http.PostAsync(ChatUrl, Chat());
        var waited = await _time.AdvanceUntilAsync(TimeSpan.FromSeconds(1), () => call.IsCompleted, TimeSpan.FromSeconds(120));
        Assert.That(call.IsCompleted, Is.True);
        using var response = await call;

        var (type, message) = await ReadErrorAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.GatewayTimeout));
            Assert.That(type, Is.EqualTo("iron_runtime_provider_timeout"));
            Assert.That(message, Does.Contain("time limit of 30 s"));
            Assert.That(waited, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(30)).And.LessThan(TimeSpan.FromSeconds(40)));
            Assert.That(_h.Fake.ArrivedCount, Is.EqualTo(2), "one attempt timed out at 20 s, its retry was cut at 30 s");
        });
    }

    [Test]
    public async Task TotalTimeout_EndsDuringARetryWait_504AtTheDeadline_NoFurtherAttempt()
    {
        await RestartAsync(o =>
        {
            o.MaxRetryAttempts = 1;
            o.FirstByteTimeout = TimeSpan.FromSeconds(20);
            o.TotalTimeout = TimeSpan.FromSeconds(4);
        });
        _h.Fake.FailNext(1, 429, retryAfter: TimeSpan.FromSeconds(6)); // the retry would wait 6 s: the call's limit ends first
        using var http = _h.Runtime.CreateHttpClient("a1");

        var call = http.PostAsync(ChatUrl, Chat());
        await _h.Fake.WaitForArrivalsAsync(1);
        var waited = await _time.AdvanceUntilAsync(TimeSpan.FromMilliseconds(250), () => call.IsCompleted, TimeSpan.FromSeconds(60));
        using var response = await call;

        var (type, message) = await ReadErrorAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.GatewayTimeout));
            Assert.That(type, Is.EqualTo("iron_runtime_provider_timeout"));
            Assert.That(message, Does.Contain("time limit of 4 s"));
            Assert.That(waited, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(4)).And.LessThan(TimeSpan.FromSeconds(5)), "cut at the deadline, not after the wait");
            Assert.That(_h.Fake.ArrivedCount, Is.EqualTo(1));
            Assert.That(_h.Runtime.GetBudget().Reserved, Is.Zero);
        });
    }

    [Test]
    public async Task TotalTimeout_ShorterThanFirstByte_504NamesTheWholeCallsLimit()
    {
        await RestartAsync(o =>
        {
            o.MaxRetryAttempts = 2;
            o.FirstByteTimeout = TimeSpan.FromSeconds(20);
            o.TotalTimeout = TimeSpan.FromSeconds(10);
        });
        _h.Fake.HoldResponses();
        using var http = _h.Runtime.CreateHttpClient("a1");

        var call = http.PostAsync(ChatUrl, Chat());
        await _h.Fake.WaitForArrivalsAsync(1);
        var waited = await _time.AdvanceUntilAsync(TimeSpan.FromMilliseconds(500), () => call.IsCompleted, TimeSpan.FromSeconds(60));
        using var response = await call;

        var (type, message) = await ReadErrorAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.GatewayTimeout));
            Assert.That(type, Is.EqualTo("iron_runtime_provider_timeout"));
            Assert.That(message, Does.Contain("time limit of 10 s").And.Not.Contain("attempt"));
            Assert.That(waited, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(10)).And.LessThan(TimeSpan.FromSeconds(11)));
            Assert.That(_h.Fake.ArrivedCount, Is.EqualTo(1), "the attempt was cut by the call's limit, never retried");
            Assert.That(_h.Runtime.GetBudget().Reserved, Is.Zero);
            Assert.That(_h.Runtime.GetMetrics("a1").Errors, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task CallerCancels_DuringAnAttempt_NotATimeout_NotRetried_NothingHeld()
    {
        _h.Fake.HoldResponses();
        using var http = _h.Runtime.CreateHttpClient("a1");
        using var cancel = new CancellationTokenSource();

        var call = http.PostAsync(ChatUrl, Chat(), cancel.Token);
        await _h.Fake.WaitForArrivalsAsync(1);
        await cancel.CancelAsync();

        Assert.That(async () => await call, Throws.InstanceOf<OperationCanceledException>());
        _time.Advance(TimeSpan.FromSeconds(30)); // past the first-byte limit and any retry wait
        await WaitUntilAsync(() => _h.Runtime.GetBudget().Reserved == 0m);
        Assert.Multiple(() =>
        {
            Assert.That(_h.Fake.ArrivedCount, Is.EqualTo(1), "a cancelled call is not retried");
            Assert.That(_h.Runtime.GetBudget().Reserved, Is.Zero);
            Assert.That(_h.Runtime.GetMetrics("a1").Errors, Is.Zero, "the caller's cancellation is not a provider error");
        });
    }

    private async Task RestartAsync(Action<ResilienceOptions> configure)
    {
        await _h.DisposeAsync();
        _time = new FakeTimeProvider();
        _h = await RuntimeHarness.StartAsync(b => b.WithBudget(10m).UseTime(_time).ConfigureResilience(o =>
        {
            o.RetryBaseDelay = TimeSpan.Zero;
            configure(o);
        }));
    }

    [Test]
    public void Validation_BadValues_FailAtStartWithTheValues()
    {
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => AgentRuntime.CreateBuilder()
            .ConfigureResilience(o =>
            {
                o.FailureRatio = 1.5;
                o.MinimumThroughput = 1;
                o.FirstByteTimeout = TimeSpan.FromMilliseconds(1);
            })
            .AddFailover("gpt-4o", new FailoverTarget("nowhere"))
            .Build());

        Assert.That(ex!.Message, Does.Contain("Resilience.FailureRatio")
            .And.Contain("Resilience.MinimumThroughput")
            .And.Contain("FirstByteTimeout must be between 10 ms and 1 day")
            .And.Contain("'nowhere'"));
    }
}
