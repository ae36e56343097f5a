using System.Net;
using System.Text;
using System.Text.Json;
using IronRuntime.Router;
using IronRuntime.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace IronRuntime.Tests.DependencyInjection;

/// <summary>
/// Issue #11: the Router package on its own — <c>services.AddLlmRouter(...)</c>, a gate of the application's own
/// implementing the public <see cref="ILlmRequestGate"/>, nothing of IronRuntime.Core in the container — routes a call to
/// the provider with the real key and meters it.
/// </summary>
public sealed class AddLlmRouterTests
{
    private const string Body = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"max_completion_tokens":50}""";

    [Test]
    public async Task AddLlmRouter_WithACustomGate_RoutesMetersAndDeniesWithoutCore()
    {
        await using var fake = await FakeProvider.StartAsync();
        fake.Usage = new TokenUsage(100, 20);
        var gate = new TokenQuotaGate(quota: 250);
        var observer = new RecordingObserver();
        var services = new ServiceCollection();
        services.AddSingleton<ILlmRequestGate>(gate);
        services.AddSingleton<ILlmCallObserver>(observer);
        services.AddLlmRouter(o =>
        {
            o.OpenAI.BaseUrl = fake.OpenAIEndpoint;
            o.OpenAI.ApiKey = FakeProvider.OpenAIKey;
        });
        await using var sp = services.BuildServiceProvider();
        using var client = sp.GetRequiredService<LlmRouter>().CreateClient("agent-1");

        using var first = await PostAsync(client);
        string firstBody = await first.Content.ReadAsStringAsync();
        using var second = await PostAsync(client);
        using var denial = JsonDocument.Parse(await second.Content.ReadAsStringAsync());

        Assert.Multiple(() =>
        {
            Assert.That(services.Where(d => d.ServiceType.Assembly == typeof(AgentRuntime).Assembly
                                            || d.ImplementationType?.Assembly == typeof(AgentRuntime).Assembly), Is.Empty, "nothing of IronRuntime.Core is registered");
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK), firstBody);
            Assert.That(fake.Requests, Has.Count.EqualTo(1), "the denied call never reaches the provider");
            Assert.That(fake.LastRequest.Header("Authorization"), Is.EqualTo("Bearer " + FakeProvider.OpenAIKey), "the real key is injected");

            // The gate reserved 50 output tokens + the byte bound of the prompt, and its lease got the provider's usage.
            Assert.That(gate.Settled, Is.EqualTo(new[] { new TokenUsage(100, 20) }));
            Assert.That(observer.Calls, Has.Count.EqualTo(2));
            Assert.That(observer.Calls[0].CallerId, Is.EqualTo("agent-1"));
            Assert.That(observer.Calls[0].Provider, Is.EqualTo(LlmProvider.OpenAI));
            Assert.That(observer.Calls[0].Usage, Is.EqualTo(new TokenUsage(100, 20)));
            Assert.That(observer.Calls[0].SettledCost, Is.EqualTo(120m), "the lease's settled cost, one unit per token");
            Assert.That(observer.Calls[0].Outcome, Is.EqualTo(LlmCallOutcome.Succeeded));

            // 120 of 250 tokens used; the call bound is about 200: the second call's reservation does not fit, and the denial is OpenAI-shaped.
            Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.PaymentRequired));
            Assert.That(denial.RootElement.GetProperty("error").GetProperty("type").GetString(), Is.EqualTo("quota_exceeded"));
            Assert.That(denial.RootElement.GetProperty("error").GetProperty("code").GetString(), Is.EqualTo("tokens"));
            Assert.That(observer.Calls[1].Outcome, Is.EqualTo(LlmCallOutcome.Denied));
        });
    }

    [Test]
    public void AddLlmRouter_InvalidOptions_FailNamingTheMember()
    {
        var services = new ServiceCollection();
        services.AddLlmRouter(o => o.MaxStreamEventBytes = 0);
        using var sp = services.BuildServiceProvider();

        Assert.That(() => sp.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate(),
            Throws.TypeOf<Microsoft.Extensions.Options.OptionsValidationException>().With.Message.Contain("MaxStreamEventBytes"));
    }

    [Test]
    public async Task UseSimulatedProvider_IsThePrimaryHandlerOfTheUpstreamClient_AndAnOwnHandlerReplacesIt()
    {
        var services = new ServiceCollection();
        services.AddLlmRouter(o => o.UseSimulatedProvider = true);
        await using var sp = services.BuildServiceProvider();
        var own = new ServiceCollection();
        own.AddLlmRouter(o => o.UseSimulatedProvider = true);
        own.AddHttpClient(LlmRouterServiceCollectionExtensions.UpstreamClientName).ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler());
        await using var ownSp = own.BuildServiceProvider();

        Assert.Multiple(() =>
        {
            Assert.That(Primary(sp), Is.TypeOf<IronRuntime.Router.Simulation.SimulatedProviderHandler>());
            Assert.That(Primary(ownSp), Is.TypeOf<SocketsHttpHandler>());
        });
    }

    private static HttpMessageHandler? Primary(IServiceProvider sp)
    {
        HttpMessageHandler? handler = sp.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(LlmRouterServiceCollectionExtensions.UpstreamClientName);
        while (handler is DelegatingHandler delegating)
        {
            handler = delegating.InnerHandler;
        }

        return handler;
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Authorization", "Bearer placeholder");
        return client.SendAsync(request);
    }

    /// <summary>An application's own gate: a token quota, reserved at the call's bound and settled at its usage.</summary>
    private sealed class TokenQuotaGate(long quota) : ILlmRequestGate
    {
        private long _used;

        public List<TokenUsage> Settled { get; } = [];

        public ValueTask<LlmGateDecision> EnterAsync(LlmCall call, CancellationToken cancellationToken)
        {
            long bound = call.InputTokenBound + (call.EffectiveMaxOutputTokens ?? 0);
            return ValueTask.FromResult(_used + bound > quota
                ? LlmGateDecision.Deny(HttpStatusCode.PaymentRequired, "quota_exceeded", "tokens", $"{bound} tokens do not fit in the {quota - _used} left.")
                : LlmGateDecision.Allow(new Lease(this)));
        }

        private sealed class Lease(TokenQuotaGate gate) : ILlmCallLease
        {
            public void Complete(LlmCall call)
            {
                gate._used += call.Usage.InputTokens + call.Usage.OutputTokens;
                gate.Settled.Add(call.Usage);
                call.SettledCost = call.Usage.InputTokens + call.Usage.OutputTokens;
            }
        }
    }

    private sealed class RecordingObserver : ILlmCallObserver
    {
        public List<LlmCall> Calls { get; } = [];

        public void OnCallCompleted(LlmCall call) => Calls.Add(call);
    }
}
