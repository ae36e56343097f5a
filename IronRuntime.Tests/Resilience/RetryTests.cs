using System.Net;
using IronRuntime.Resilience;
using IronRuntime.Router;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using OpenAI.Chat;
using static IronRuntime.Tests.Resilience.ResilienceTestSupport;

namespace IronRuntime.Tests.Resilience;

/// <summary>Retries before the first byte: transient failures only, backoff or the provider's Retry-After, one charge.</summary>
public sealed class RetryTests
{
    private FakeTimeProvider _time = null!;
    private RuntimeHarness _h = null!;

    [SetUp]
    public async Task SetUp()
    {
        _time = new FakeTimeProvider();
        _h = await RuntimeHarness.StartAsync(b => b.WithBudget(10m).UseTime(_time).ConfigureResilience(o =>
        {
            o.MaxRetryAttempts = 2;
            o.RetryBaseDelay = TimeSpan.Zero;
            o.MaxRetryDelay = TimeSpan.FromSeconds(5);
        }));
    }

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    [Test]
    public async Task Retry_500ThenSuccess_OfficialSdkGetsTheAnswer_ChargedOnce()
    {
        _h.Fake.FailNext(1, 500);
        _h.Fake.Usage = new TokenUsage(100, 20);
        using var http = _h.Runtime.CreateHttpClient("a1");
        var chat = ProviderClients.Chat(RuntimeHarness.OpenAIEndpoint, http, "agent-key");

        ChatCompletion completion = (await chat.CompleteChatAsync([new UserChatMessage("Hello there")], new ChatCompletionOptions { MaxOutputTokenCount = 50 })).Value;

        var m = _h.Runtime.GetMetrics("a1");
        Assert.Multiple(() =>
        {
            Assert.That(completion.Content[0].Text, Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(_h.Fake.ArrivedCount, Is.EqualTo(2));
            Assert.That((m.Requests, m.SucceededRequests), Is.EqualTo((1L, 1L)));
            Assert.That(m.BudgetSpent, Is.EqualTo((100 * 0.00000015m) + (20 * 0.0000006m)), "only the attempt that answered is charged");
            Assert.That(m.BudgetReserved, Is.Zero);
        });
    }

    [Test]
    public async Task Retry_StreamAfter503_StreamsFromTheRetry()
    {
        _h.Fake.FailNext(1, 503);
        using var http = _h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(ChatUrl, Chat(stream: true));
        string text = await response.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(text, Does.EndWith("data: [DONE]\n\n"));
            Assert.That(_h.Fake.ArrivedCount, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Retry_429WithRetryAfter_WaitsThatLongThenRetries()
    {
        _h.Fake.FailNext(1, 429, retryAfter: TimeSpan.FromSeconds(3));
        using var http = _h.Runtime.CreateHttpClient("a1");

        var call = http.PostAsync(ChatUrl, Chat());
        await _h.Fake.WaitForArrivalsAsync(1);
        var waited = await _time.AdvanceUntilAsync(TimeSpan.FromMilliseconds(250), () => _h.Fake.ArrivedCount == 2);
        using var response = await call;

        Assert.Multiple(() =>
        {
            Assert.That(waited, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(3)), "the Retry-After was honoured");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task Retry_RetryAfterAboveCap_NotRetried_ProviderAnswerPassedOn()
    {
        _h.Fake.FailNext(1, 429, retryAfter: TimeSpan.FromSeconds(60));
        using var http = _h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(ChatUrl, Chat());

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(60)));
            Assert.That(_h.Fake.ArrivedCount, Is.EqualTo(1));
            Assert.That(_h.Runtime.GetBudget().Reserved, Is.Zero);
        });
    }

    [Test]
    public async Task Retry_Exhausted_LastProviderAnswerPassedOn_NothingCharged()
    {
        _h.Fake.FailNext(3, 500);
        using var http = _h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(ChatUrl, Chat());

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
            Assert.That(_h.Fake.ArrivedCount, Is.EqualTo(3), "one try and two retries");
            Assert.That(_h.Runtime.GetBudget().Reserved, Is.Zero);
            Assert.That(_h.Runtime.GetBudget().Spent, Is.Zero);
            Assert.That(_h.Runtime.GetMetrics("a1").Errors, Is.EqualTo(1));
        });
    }

    /// <summary>
    /// Exponential backoff with jitter (Polly's decorrelated jitter): the n-th delays add up to about base × 2^n, so five
    /// retries at a 1 s base wait well over 10 s in all, whatever the jitter (a constant backoff with jitter: at most 6.25 s).
    /// </summary>
    [Test]
    public async Task Retry_BackoffDelays_GrowExponentially()
    {
        await _h.DisposeAsync();
        _time = new FakeTimeProvider();
        var logs = new FakeLogCollector();
        _h = await RuntimeHarness.StartAsync(b => b.UseTime(_time)
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Information).AddProvider(new FakeLoggerProvider(logs)))
            .ConfigureResilience(o =>
            {
                o.MaxRetryAttempts = 5;
                o.RetryBaseDelay = TimeSpan.FromSeconds(1);
                o.MaxRetryDelay = TimeSpan.FromMinutes(5);
                o.FirstByteTimeout = TimeSpan.FromMinutes(30);
                o.TotalTimeout = TimeSpan.FromHours(2);
            }));
        _h.Fake.FailNext(5, 500);
        using var http = _h.Runtime.CreateHttpClient("a1");

        var call = http.PostAsync(ChatUrl, Chat());
        await _h.Fake.WaitForArrivalsAsync(1);
        var waits = new List<TimeSpan>();
        for (int arrival = 2; arrival <= 6; arrival++)
        {
            int expected = arrival;
            waits.Add(await _time.AdvanceUntilAsync(TimeSpan.FromMilliseconds(100), () => _h.Fake.ArrivedCount == expected));
        }

        using var response = await call;
        var delays = logs.GetSnapshot()
            .Where(r => r.Id.Id == 4003)
            .Select(r => TimeSpan.FromMilliseconds(double.Parse(r.StructuredState!.Single(kv => kv.Key == "DelayMs").Value!, System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(delays, Has.Count.EqualTo(5));
            Assert.That(delays.Aggregate(TimeSpan.Zero, (a, d) => a + d), Is.GreaterThan(TimeSpan.FromSeconds(10)), "exponential growth, not a constant delay");
            Assert.That(delays[3] + delays[4], Is.GreaterThan(delays[0] + delays[1]), "later retries wait longer than the first ones");
            Assert.That(waits.Aggregate(TimeSpan.Zero, (a, d) => a + d), Is.GreaterThan(TimeSpan.FromSeconds(10)), "and the clock had to move that far");
        });
    }

    [Test]
    public async Task Retry_ConnectionRefused_RetriedThen502ProviderShaped()
    {
        await _h.DisposeAsync();
        _h = await RuntimeHarness.StartAsync(b => b.WithBudget(10m).UseOpenAI(FakeProvider.OpenAIKey, ClosedPort())
            .ConfigureResilience(o => { o.MaxRetryAttempts = 1; o.RetryBaseDelay = TimeSpan.Zero; }));
        using var http = _h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(ChatUrl, Chat());

        var (type, message) = await ReadErrorAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadGateway));
            Assert.That(type, Is.EqualTo("iron_runtime_provider_unreachable"));
            Assert.That(message, Does.Contain("after 2 attempt(s)"));
            Assert.That(_h.Runtime.GetBudget().Reserved, Is.Zero);
            Assert.That(_h.Runtime.GetMetrics("a1").Errors, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Retry_InvalidJsonAnswer_NotRetried_502()
    {
        _h.Fake.Garbage = FakeGarbage.NotJson;
        using var http = _h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(ChatUrl, Chat());

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadGateway));
            Assert.That(_h.Fake.ArrivedCount, Is.EqualTo(1), "a 200 with a bad body was processed by the provider: not resent");
            Assert.That(_h.Runtime.GetProviderStates()[0].State, Is.EqualTo(ProviderCircuitState.Closed));
        });
    }

    [Test]
    public async Task Retry_StreamCutMidEvent_NotRetriedAfterTheFirstByte()
    {
        _h.Fake.AbortAfterEvents = 2;
        _h.Fake.WriteChunkSize = 5;
        using var http = _h.Runtime.CreateHttpClient("a1");

        using var request = new HttpRequestMessage(HttpMethod.Post, ChatUrl) { Content = Chat(stream: true) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        // The cut reaches the client as an error (its answer had started), never as a short answer that looks complete.
        Assert.That(async () => await response.Content.ReadAsStringAsync(), Throws.InstanceOf<HttpRequestException>().Or.InstanceOf<IOException>());

        await WaitUntilAsync(() => _h.Runtime.GetMetrics("a1").Requests == 1);
        Assert.Multiple(() =>
        {
            Assert.That(_h.Fake.ArrivedCount, Is.EqualTo(1));
            Assert.That(_h.Runtime.GetMetrics("a1").Errors, Is.EqualTo(1));
            Assert.That(_h.Runtime.GetBudget().Reserved, Is.Zero);
        });
    }
}
