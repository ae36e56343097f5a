// The Responses client is marked experimental (OPENAI001) in OpenAI 2.15.
#pragma warning disable OPENAI001

using System.Net.Http.Headers;
using System.Text;
using Anthropic.Models.Messages;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Support;
using OpenAI.Chat;

namespace IronRuntime.Tests.Pipeline;

/// <summary>
/// Finding 1 of issue 9: an in-process agent must not find the real key on the request it sent nor on the answer's
/// <see cref="HttpResponseMessage.RequestMessage"/>, and its request must come back unchanged.
/// </summary>
public sealed class CredentialIsolationTests
{
    private const string Placeholder = "placeholder";
    private RuntimeHarness _h = null!;

    [SetUp]
    public async Task SetUp() => _h = await RuntimeHarness.StartAsync(b => b.WithBudget(10m));

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    [Test]
    public async Task SendAsync_RawHttpClientInAgent_RequestAndResponseRequestMessageCarryNoKey()
    {
        Snapshot? before = null;
        Snapshot? after = null;
        Snapshot? answered = null;
        bool sameRequest = false;
        var handle = await _h.Runtime.StartAgentAsync(async ctx =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(ctx.HttpClient.BaseAddress!, "/v1/chat/completions"))
            {
                Content = new StringContent("""{"model":"gpt-4o-mini","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Placeholder);
            request.Headers.TryAddWithoutValidation("x-custom", "kept");
            before = Snapshot.Of(request);
            using var response = await ctx.HttpClient.SendAsync(request, ctx.StoppingToken);
            response.EnsureSuccessStatusCode();
            after = Snapshot.Of(request);
            answered = Snapshot.Of(response.RequestMessage!);
            sameRequest = ReferenceEquals(response.RequestMessage, request);
        });
        await handle.WaitForExitAsync();

        Assert.Multiple(() =>
        {
            Assert.That(handle.Fault, Is.Null);
            Assert.That(_h.Fake.LastRequest.Header("Authorization"), Is.EqualTo("Bearer " + FakeProvider.OpenAIKey), "the provider got the real key");
            Assert.That(after, Is.EqualTo(before), "the caller's request is unchanged: headers, URI, method");
            Assert.That(after!.Text, Does.Not.Contain(FakeProvider.OpenAIKey));
            Assert.That(answered!.Text, Does.Not.Contain(FakeProvider.OpenAIKey));
            Assert.That(sameRequest, Is.True, "the answer points at the caller's own request");
        });
    }

    [Test]
    public async Task CompleteChat_OpenAISdk_SdkRequestAndResponseRequestMessageCarryNoKey()
    {
        var spy = new SpyHandler(_h.Runtime.Router, "a1");
        using var http = new HttpClient(spy);
        var chat = ProviderClients.Chat(RuntimeHarness.OpenAIEndpoint, http, Placeholder);

        await chat.CompleteChatAsync([new UserChatMessage("Hello there")], new ChatCompletionOptions { MaxOutputTokenCount = 50 });

        spy.AssertNothingLeaked(FakeProvider.OpenAIKey);
        Assert.That(_h.Fake.LastRequest.Header("Authorization"), Is.EqualTo("Bearer " + FakeProvider.OpenAIKey));
    }

    [Test]
    public async Task CreateMessage_AnthropicSdk_SdkRequestAndResponseRequestMessageCarryNoKey()
    {
        var spy = new SpyHandler(_h.Runtime.Router, "a1");
        using var http = new HttpClient(spy);
        var client = ProviderClients.Anthropic(RuntimeHarness.AnthropicBaseUrl, http, Placeholder);

        await client.Messages.Create(new MessageCreateParams
        {
            Model = ProviderClients.AnthropicModel,
            MaxTokens = 50,
            Messages = [new UserMessageParam("Hello there")],
        });

        spy.AssertNothingLeaked(FakeProvider.AnthropicKey);
        Assert.That(_h.Fake.LastRequest.Header("x-api-key"), Is.EqualTo(FakeProvider.AnthropicKey));
    }

    /// <summary>
    /// Method, URI and every header (content headers too) of a request, as one comparable text, as stored: enumerating
    /// <c>NonValidated</c> neither parses nor computes a header, so a <c>Content-Length</c> the router's reading of the
    /// body computed and stored on the caller's content shows up here. With <paramref name="withContentLength"/> false
    /// it is left out: reading an SDK's content whose body is written on demand (the OpenAI SDK's) makes
    /// <see cref="HttpContent"/> itself buffer it and store its length, whoever reads it.
    /// </summary>
    private sealed record Snapshot(string Text)
    {
        public static Snapshot Of(HttpRequestMessage request, bool withContentLength = true)
        {
            var text = new StringBuilder().Append(request.Method).Append(' ').Append(request.RequestUri).Append('\n');
            foreach (var (name, values) in request.Headers.NonValidated)
            {
                text.Append(name).Append(": ").Append(string.Join(", ", values)).Append('\n');
            }

            if (request.Content is { } content)
            {
                foreach (var (name, values) in content.Headers.NonValidated.Where(h => withContentLength || h.Key != "Content-Length"))
                {
                    text.Append(name).Append(": ").Append(string.Join(", ", values)).Append('\n');
                }
            }

            return new Snapshot(text.ToString());
        }
    }

    /// <summary>The SDK's transport: hands the SDK's own request object to the router and looks at it afterwards.</summary>
    private sealed class SpyHandler(IronRuntime.Router.LlmRouter router, string agentId) : HttpMessageHandler
    {
        private Snapshot? _before;
        private Snapshot? _after;
        private Snapshot? _answered;

        public void AssertNothingLeaked(string key) => Assert.Multiple(() =>
        {
            Assert.That(_before, Is.Not.Null, "the SDK sent a request");
            Assert.That(_before!.Text, Does.Contain(Placeholder), "the SDK put its credential on the request");
            Assert.That(_after, Is.EqualTo(_before), "the SDK's request came back unchanged");
            Assert.That(_answered!.Text, Does.Not.Contain(key));
        });

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            _before = Snapshot.Of(request, withContentLength: false);
            var response = await router.SendAsync(request, agentId, cancellationToken);
            _after = Snapshot.Of(request, withContentLength: false);
            _answered = Snapshot.Of(response.RequestMessage ?? request, withContentLength: false);
            return response;
        }
    }
}
