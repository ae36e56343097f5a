using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Sockets;
using IronRuntime.Agents;
using IronRuntime.Resilience;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Support;
using OpenAI;
using OpenAI.Chat;
using static IronRuntime.Tests.Resilience.ResilienceTestSupport;

namespace IronRuntime.Tests.Resilience;

/// <summary>
/// An unreachable provider answers with what failed — the host and the cause — in its own error type (502
/// <c>iron_runtime_provider_unreachable</c>); the attempts of one call never open the circuit (issue #16).
/// </summary>
public sealed class UnreachableProviderTests
{
    /// <summary>A host that can never resolve: <c>.invalid</c> is reserved for exactly that (RFC 2606).</summary>
    private const string UnresolvableHost = "api.ironruntime-test.invalid";

    [Test]
    public async Task Call_HostDoesNotResolve_502NamesTheHostAndNameResolution()
    {
        await using var runtime = Runtime(new Uri($"https://{UnresolvableHost}/"), o => o.MaxRetryAttempts = 0);
        using var http = runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(ChatUrl, Chat());

        string message = await UnreachableMessageAsync(response);
        Assert.That(message, Does.Contain($"the host name {UnresolvableHost} could not be resolved (DNS: ").And.Not.Contain("circuit"), message);
    }

    [Test]
    public async Task Call_HostDoesNotResolve_AnthropicRoute_AnswersInAnthropicsShape()
    {
        await using var runtime = AgentRuntime.CreateBuilder()
            .UseAnthropic(FakeProvider.AnthropicKey, new Uri($"https://{UnresolvableHost}/"))
            .ConfigureResilience(o => o.MaxRetryAttempts = 0)
            .Build();
        using var http = runtime.CreateHttpClient("a1");

        using var response = await http.SendAsync(Messages());

        string body = await response.Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadGateway));
            Assert.That(body, Does.StartWith("""{"type":"error","error":{"type":"iron_runtime_provider_unreachable","message":"""));
            Assert.That(body, Does.Contain(UnresolvableHost));
        });
    }

    [Test]
    public async Task Call_ConnectionRefused_502NamesHostPortAndRefusal()
    {
        using var refusing = new RefusingPort();
        await using var runtime = Runtime(refusing.Uri, o => { o.MaxRetryAttempts = 1; o.RetryBaseDelay = TimeSpan.Zero; });
        using var http = runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(ChatUrl, Chat());

        string message = await UnreachableMessageAsync(response);
        Assert.That(message, Does.Contain($"after 2 attempt(s): the connection to 127.0.0.1:{refusing.Port} was refused"), message);
    }

    [Test]
    public async Task Breaker_OneCallFailsEveryAttempt_StaysClosed()
    {
        // Three attempts of one call reach the breaker's minimum throughput of three: counted per attempt, they opened
        // the circuit for every agent; counted per call, one failed call is one failure.
        using var refusing = new RefusingPort();
        await using var runtime = Runtime(refusing.Uri, o =>
        {
            o.MinimumThroughput = 3;
            o.FailureRatio = 0.5;
            o.MaxRetryAttempts = 2;
            o.RetryBaseDelay = TimeSpan.Zero;
        });
        using var http = runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(ChatUrl, Chat());

        string message = await UnreachableMessageAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(message, Does.Contain("after 3 attempt(s)"));
            Assert.That(runtime.GetProviderStates().Single(s => s.Endpoint == "openai").State, Is.EqualTo(ProviderCircuitState.Closed));
        });
    }

    [Test]
    public async Task OpenAISdk_DefaultRetries_UnresolvableHost_GetsTheRealCauseAndTheCircuitStaysClosed()
    {
        // The first hour: the official SDK retries a 502 three times on its own; with the runtime's three attempts
        // per call that made twelve failures, past the default minimum throughput of ten, and the SDK's last retry was
        // answered "circuit breaker is open". Runtime retries without delay here; the SDK's own backoff (~6 s) is real.
        await using var runtime = Runtime(new Uri($"https://{UnresolvableHost}/"), o => o.RetryBaseDelay = TimeSpan.Zero);
        var agent = await runtime.StartAgentAsync(async ctx =>
        {
            var chat = new ChatClient("gpt-4o-mini", new ApiKeyCredential("placeholder"),
                new OpenAIClientOptions { Transport = new HttpClientPipelineTransport(ctx.HttpClient) });
            await chat.CompleteChatAsync([new UserChatMessage("Hello!")], cancellationToken: ctx.StoppingToken);
        });

        await agent.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Multiple(() =>
        {
            Assert.That(agent.Status, Is.EqualTo(AgentStatus.Failed));
            Assert.That(agent.Fault, Is.TypeOf<ClientResultException>());
            Assert.That(((ClientResultException)agent.Fault!).Status, Is.EqualTo(502), agent.Fault!.Message);
            Assert.That(agent.Fault.Message, Does.Contain("iron_runtime_provider_unreachable").And.Contain(UnresolvableHost));
            Assert.That(runtime.GetProviderStates().Single(s => s.Endpoint == "openai").State, Is.EqualTo(ProviderCircuitState.Closed));
        });
    }

    /// <summary>Checks the answer is the runtime's 502 for an unreachable provider, in OpenAI's shape; returns its message.</summary>
    private static async Task<string> UnreachableMessageAsync(HttpResponseMessage response)
    {
        var (type, message) = await ReadErrorAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadGateway), message);
            Assert.That(type, Is.EqualTo("iron_runtime_provider_unreachable"), message);
        });
        return message;
    }

    private static AgentRuntime Runtime(Uri openAI, Action<ResilienceOptions> resilience)
        => AgentRuntime.CreateBuilder()
            .WithBudget(10m)
            .UseOpenAI(FakeProvider.OpenAIKey, openAI)
            .ConfigureResilience(resilience)
            .Build();

    /// <summary>
    /// A loopback port that refuses connections: a socket bound to it that never listens, so the kernel answers every
    /// connection attempt with a reset, and no other program can take the port while the test runs.
    /// </summary>
    private sealed class RefusingPort : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        public RefusingPort()
        {
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        }

        public int Port { get; }

        public Uri Uri => new($"http://127.0.0.1:{Port}/");

        public void Dispose() => _socket.Dispose();
    }
}
