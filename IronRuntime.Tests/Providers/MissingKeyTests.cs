using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using IronRuntime.Resilience;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OpenAI;
using OpenAI.Chat;
using static IronRuntime.Tests.Resilience.ResilienceTestSupport;

namespace IronRuntime.Tests.Providers;

/// <summary>
/// No key, no call: a provider the runtime has no key for gets every call refused at once with a provider-shaped 401
/// naming the settings; nothing reaches the provider, nothing is reserved, no breaker counts it (issue #16).
/// </summary>
/// <remarks>
/// Keys are set to the empty string, which the environment defaults never overwrite, so a developer's own
/// <c>OPENAI_API_KEY</c> cannot leak into these tests.
/// </remarks>
public sealed class MissingKeyTests
{
    private FakeProvider _openAI = null!;
    private FakeProvider _anthropic = null!;

    [SetUp]
    public async Task SetUp()
    {
        _openAI = await FakeProvider.StartAsync();
        _anthropic = await FakeProvider.StartAsync();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _openAI.DisposeAsync();
        await _anthropic.DisposeAsync();
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Call_ProviderWithoutKey_401NamingTheSettings_NothingSentReservedOrCounted(bool resilience)
    {
        await using var runtime = Runtime(openAIKey: "", b => b.ConfigureResilience(o =>
        {
            o.Enabled = resilience;
            o.MinimumThroughput = 2;
            o.MaxRetryAttempts = 0;
        }));
        using var http = runtime.CreateHttpClient("a1");

        for (int i = 0; i < 5; i++)
        {
            using var response = await http.PostAsync(ChatUrl, Chat());

            var (type, message) = await ReadErrorAsync(response);
            Assert.Multiple(() =>
            {
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
                Assert.That(type, Is.EqualTo("iron_runtime_no_api_key"));
                Assert.That(message, Does.Contain("OPENAI_API_KEY").And.Contain("Router:OpenAI:ApiKey").And.Contain("UseSimulatedProvider()"), message);
            });
        }

        Assert.Multiple(() =>
        {
            Assert.That(_openAI.ArrivedCount, Is.Zero, "nothing was sent");
            Assert.That(runtime.GetBudget().Reserved, Is.Zero);
            Assert.That(runtime.GetBudget().Spent, Is.Zero);
            Assert.That(runtime.GetProviderStates().All(s => s.State == ProviderCircuitState.Closed), Is.True, "no breaker counted the refusals");
        });
    }

    [Test]
    public async Task OpenAISdk_DefaultRetries_ProviderWithoutKey_OneRefusalNamingTheKey_NothingSent()
    {
        await using var runtime = Runtime(openAIKey: "");
        using var http = runtime.CreateHttpClient("a1");
        var chat = new ChatClient("gpt-4o-mini", new ApiKeyCredential("placeholder"),
            new OpenAIClientOptions { Transport = new HttpClientPipelineTransport(http) });   // the SDK's default retry policy

        var ex = Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("Hello!")]));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Status, Is.EqualTo(401), "401 is final for the SDK: no retries");
            Assert.That(ex.Message, Does.Contain("iron_runtime_no_api_key").And.Contain("OPENAI_API_KEY"));
            Assert.That(runtime.GetMetrics("a1").Requests, Is.EqualTo(1), "one call, not retried");
            Assert.That(_openAI.ArrivedCount, Is.Zero);
        });
    }

    [Test]
    public async Task Messages_AnthropicWithoutKey_401InAnthropicsShape_OpenAIStillServed()
    {
        await using var runtime = Runtime(openAIKey: FakeProvider.OpenAIKey, anthropicKey: "");
        using var http = runtime.CreateHttpClient("a1");

        using var refused = await http.SendAsync(Messages());
        using var served = await http.PostAsync(ChatUrl, Chat());

        string body = await refused.Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(body, Does.StartWith("""{"type":"error","error":{"type":"iron_runtime_no_api_key","message":"""));
            Assert.That(body, Does.Contain("ANTHROPIC_API_KEY").And.Contain("Router:Anthropic:ApiKey"));
            Assert.That(_anthropic.ArrivedCount, Is.Zero);
            Assert.That(served.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(_openAI.ArrivedCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Call_ProviderWithoutKey_FailsOverToATargetWithAKey()
    {
        await using var runtime = Runtime(openAIKey: "", b => b.AddFailover("gpt-4o-mini", new FailoverTarget("anthropic", ProviderClients.AnthropicModel)));
        using var http = runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(ChatUrl, Chat());

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(_openAI.ArrivedCount, Is.Zero);
            Assert.That(_anthropic.ArrivedCount, Is.EqualTo(1));
            Assert.That(_anthropic.LastRequest.Header("x-api-key"), Is.EqualTo(FakeProvider.AnthropicKey));
        });
    }

    [Test]
    public async Task Start_ProviderWithoutKey_WarnsOnceNamingTheSetting()
    {
        var logs = new FakeLogCollector();
        await using var runtime = Runtime(openAIKey: "", b => b.ConfigureLogging(l => l.AddProvider(new FakeLoggerProvider(logs))));
        using var http = runtime.CreateHttpClient("a1");
        using var response = await http.PostAsync(ChatUrl, Chat());

        var warnings = logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning && r.Message.Contains("No API key", StringComparison.Ordinal)).ToList();
        Assert.That(warnings, Has.Count.EqualTo(1));
        Assert.That(warnings[0].Message, Does.Contain("OpenAI").And.Contain("OPENAI_API_KEY").And.Contain("Router:OpenAI:ApiKey").And.Contain("UseSimulatedProvider()"));
    }

    [Test]
    public async Task Start_SimulatedProviderWithoutKeys_NoWarningAndCallsAnswered()
    {
        var logs = new FakeLogCollector();
        await using var runtime = AgentRuntime.CreateBuilder()
            .Configure(c => { c.Router.OpenAI.ApiKey = ""; c.Router.Anthropic.ApiKey = ""; })
            .UseSimulatedProvider()
            .ConfigureLogging(l => l.AddProvider(new FakeLoggerProvider(logs)))
            .Build();
        using var http = runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(ChatUrl, Chat());

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(logs.GetSnapshot().Where(r => r.Message.Contains("No API key", StringComparison.Ordinal)), Is.Empty);
        });
    }

    private AgentRuntime Runtime(string openAIKey, Action<IronRuntimeBuilder>? configure = null) => Runtime(openAIKey, FakeProvider.AnthropicKey, configure);

    private AgentRuntime Runtime(string openAIKey, string anthropicKey, Action<IronRuntimeBuilder>? configure = null)
    {
        var builder = AgentRuntime.CreateBuilder()
            .WithBudget(10m)
            .UseOpenAI(openAIKey, _openAI.BaseUri)
            .UseAnthropic(anthropicKey, _anthropic.BaseUri);
        configure?.Invoke(builder);
        return builder.Build();
    }
}
