using System.Collections.Concurrent;
using System.Net;
using IronRuntime.Resilience;
using IronRuntime.Router;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using static IronRuntime.Tests.Resilience.ResilienceTestSupport;

namespace IronRuntime.Tests.Resilience;

/// <summary>One circuit breaker per provider endpoint: opens on failures, fails fast without reserving, recovers by itself.</summary>
public sealed class CircuitBreakerTests
{
    private FakeTimeProvider _time = null!;
    private CountingGate _gate = null!;
    private ConcurrentQueue<ProviderStateChangedEventArgs> _changes = null!;
    private RuntimeHarness _h = null!;

    [SetUp]
    public async Task SetUp()
    {
        _time = new FakeTimeProvider();
        _gate = new CountingGate();
        _changes = new ConcurrentQueue<ProviderStateChangedEventArgs>();
        _h = await RuntimeHarness.StartAsync(b => b.WithBudget(10m).UseTime(_time).CountGateEntries(_gate).ConfigureResilience(Sensitive));
        _h.Runtime.ProviderStateChanged += (_, e) => _changes.Enqueue(e);
    }

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    private async Task OpenOpenAICircuitAsync(HttpClient http)
    {
        _h.Fake.FailNext(2, 500);
        for (int i = 0; i < 2; i++)
        {
            using var failed = await http.PostAsync(ChatUrl, Chat());
            Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        }
    }

    [Test]
    public async Task Breaker_FailuresReachThreshold_OpensAndFailsFastWithoutReservingOrCallingUpstream()
    {
        using var http = _h.Runtime.CreateHttpClient("a1");
        await OpenOpenAICircuitAsync(http);

        using var response = await http.PostAsync(ChatUrl, Chat());

        var (type, message) = await ReadErrorAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(type, Is.EqualTo("iron_runtime_provider_unavailable"));
            Assert.That(message, Does.Contain("OpenAI").And.Contain("'openai'"));
            Assert.That(_h.Fake.ArrivedCount, Is.EqualTo(2), "the upstream is not called");
            Assert.That(_gate.Entries, Is.EqualTo(2), "the fast-failed call never reached the budget gate");
            Assert.That(_h.Runtime.GetBudget().Reserved, Is.Zero);
            Assert.That(_h.Runtime.GetMetrics("a1").Errors, Is.EqualTo(3));
            Assert.That(_changes.Select(c => (c.Endpoint, c.PreviousState, c.State)),
                Is.EqualTo(new[] { ("openai", ProviderCircuitState.Closed, ProviderCircuitState.Open) }));
            Assert.That(_changes.Single().BreakDuration, Is.EqualTo(TimeSpan.FromSeconds(30)));
        });
    }

    [Test]
    public async Task Breaker_OpenAIOpen_AnthropicUnaffected()
    {
        using var http = _h.Runtime.CreateHttpClient("a1");
        await OpenOpenAICircuitAsync(http);

        using var request = Messages();
        using var response = await http.SendAsync(request);

        var states = _h.Runtime.GetProviderStates();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(states.Select(s => (s.Endpoint, s.State)), Is.EqualTo(new[]
            {
                ("openai", ProviderCircuitState.Open),
                ("anthropic", ProviderCircuitState.Closed),
            }));
            Assert.That(states[0].RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(states[1].RetryAfter, Is.Null);
        });
    }

    [Test]
    public async Task Breaker_AnthropicRouteOpen_FailsFastInAnthropicShape()
    {
        using var http = _h.Runtime.CreateHttpClient("a1");
        _h.Fake.FailNext(2, 529);
        for (int i = 0; i < 2; i++)
        {
            using var request = Messages();
            using var failed = await http.SendAsync(request);
            Assert.That((int)failed.StatusCode, Is.EqualTo(529));
        }

        using var fastFail = Messages();
        using var response = await http.SendAsync(fastFail);

        string body = await response.Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(body, Does.StartWith("""{"type":"error","error":{"type":"iron_runtime_provider_unavailable","""));
            Assert.That(body, Does.Contain("Anthropic"));
            Assert.That(_h.Fake.ArrivedCount, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Breaker_AfterBreakDuration_ProbeSucceeds_Closes()
    {
        using var http = _h.Runtime.CreateHttpClient("a1");
        await OpenOpenAICircuitAsync(http);
        _time.Advance(TimeSpan.FromSeconds(29));
        using (var stillOpen = await http.PostAsync(ChatUrl, Chat()))
        {
            Assert.That(stillOpen.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(stillOpen.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        using var probe = await http.PostAsync(ChatUrl, Chat());
        using var after = await http.PostAsync(ChatUrl, Chat());

        Assert.Multiple(() =>
        {
            Assert.That(probe.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(_h.Fake.ArrivedCount, Is.EqualTo(4));
            Assert.That(_changes.Select(c => c.State), Is.EqualTo(new[] { ProviderCircuitState.Open, ProviderCircuitState.HalfOpen, ProviderCircuitState.Closed }));
            Assert.That(_h.Runtime.GetProviderStates()[0].State, Is.EqualTo(ProviderCircuitState.Closed));
        });
    }

    [Test]
    public async Task Breaker_ProbeFails_OpensAgainForAnotherBreak()
    {
        using var http = _h.Runtime.CreateHttpClient("a1");
        await OpenOpenAICircuitAsync(http);
        _time.Advance(TimeSpan.FromSeconds(30));
        _h.Fake.FailNext(1, 503);

        using var probe = await http.PostAsync(ChatUrl, Chat());
        using var next = await http.PostAsync(ChatUrl, Chat());

        Assert.Multiple(() =>
        {
            Assert.That(probe.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(probe.Headers.Contains("x-ironruntime-error"), Is.False, "the probe's answer is the provider's own");
            Assert.That(next.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(next.Headers.Contains("x-ironruntime-error"), Is.True, "then the runtime fails fast again");
            Assert.That(_h.Fake.ArrivedCount, Is.EqualTo(3));
            Assert.That(_changes.Select(c => c.State), Is.EqualTo(new[] { ProviderCircuitState.Open, ProviderCircuitState.HalfOpen, ProviderCircuitState.Open }));
        });
    }

    [TestCase(400)]
    [TestCase(401)]
    [TestCase(404)]
    [TestCase(422)]
    public async Task Breaker_ClientErrors_NeverTrip(int status)
    {
        using var http = _h.Runtime.CreateHttpClient("a1");
        _h.Fake.FailNext(4, status);
        for (int i = 0; i < 4; i++)
        {
            using var failed = await http.PostAsync(ChatUrl, Chat());
            Assert.That((int)failed.StatusCode, Is.EqualTo(status));
        }

        using var response = await http.PostAsync(ChatUrl, Chat());

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(_changes, Is.Empty);
        });
    }

    [TestCase(408)]
    [TestCase(429)]
    [TestCase(502)]
    public async Task Breaker_TransientStatuses_Trip(int status)
    {
        using var http = _h.Runtime.CreateHttpClient("a1");
        _h.Fake.FailNext(2, status);
        for (int i = 0; i < 2; i++)
        {
            using var failed = await http.PostAsync(ChatUrl, Chat());
        }

        Assert.That(_h.Runtime.GetProviderStates()[0].State, Is.EqualTo(ProviderCircuitState.Open));
    }

    [Test]
    public async Task HealthCheck_FollowsTheBreakers()
    {
        var check = new ProviderHealthCheck(ProviderHealth());
        var healthy = await check.CheckHealthAsync(new HealthCheckContext());
        using var http = _h.Runtime.CreateHttpClient("a1");
        await OpenOpenAICircuitAsync(http);

        var degraded = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Multiple(() =>
        {
            Assert.That(healthy.Status, Is.EqualTo(HealthStatus.Healthy));
            Assert.That(degraded.Status, Is.EqualTo(HealthStatus.Degraded));
            Assert.That(degraded.Description, Does.Contain("openai (Open)"));
            Assert.That(degraded.Data["anthropic"], Is.EqualTo("Closed"));
        });
    }

    private IProviderHealth ProviderHealth() => _h.Runtime.OwnedServices!.GetRequiredService<IProviderHealth>();
}
