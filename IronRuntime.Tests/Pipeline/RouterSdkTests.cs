// The Responses client is marked experimental (OPENAI001) in OpenAI 2.15.
#pragma warning disable OPENAI001

using System.Text;
using Anthropic.Models.Messages;
using IronRuntime.Router;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Support;
using OpenAI.Chat;
using OpenAI.Responses;

namespace IronRuntime.Tests.Pipeline;

/// <summary>The official OpenAI and Anthropic SDKs as clients, through the runtime's HttpClient, against the loopback fake.</summary>
public sealed class RouterSdkTests
{
    private const string AgentKey = "agent-placeholder-key";
    private RuntimeHarness _h = null!;

    [SetUp]
    public async Task SetUp() => _h = await RuntimeHarness.StartAsync(b => b.WithBudget(10m));

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    [Test]
    public async Task CompleteChat_OpenAISdk_InjectsRealKeyAndChargesReportedUsage()
    {
        _h.Fake.Usage = new TokenUsage(1200, 300, CachedInputTokens: 200);
        using var http = _h.Runtime.CreateHttpClient("a1");
        var chat = ProviderClients.Chat(RuntimeHarness.OpenAIEndpoint, http, AgentKey);

        ChatCompletion completion = (await chat.CompleteChatAsync([new UserChatMessage("Hello there")], new ChatCompletionOptions { MaxOutputTokenCount = 400 })).Value;

        var m = _h.Runtime.GetMetrics("a1");
        Assert.Multiple(() =>
        {
            Assert.That(completion.Content[0].Text, Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(_h.Fake.LastRequest.Header("Authorization"), Is.EqualTo("Bearer " + FakeProvider.OpenAIKey));
            Assert.That(_h.Fake.LastRequest.BodyText, Does.Not.Contain(AgentKey));
            Assert.That(m.Requests, Is.EqualTo(1));
            Assert.That(m.SucceededRequests, Is.EqualTo(1));
            Assert.That((m.InputTokens, m.OutputTokens, m.CachedInputTokens), Is.EqualTo((1200L, 300L, 200L)));

            // gpt-4o-mini: $0.15/M input, $0.075/M cached input, $0.60/M output.
            Assert.That(m.BudgetSpent, Is.EqualTo((1000 * 0.00000015m) + (200 * 0.000000075m) + (300 * 0.0000006m)));
            Assert.That(m.BudgetReserved, Is.Zero);
        });
    }

    [Test]
    public async Task CompleteChatStreaming_OpenAISdk_StreamsAndChargesUsage()
    {
        _h.Fake.Usage = new TokenUsage(50, 14);
        _h.Fake.WriteChunkSize = 7;
        using var http = _h.Runtime.CreateHttpClient("a1");
        var chat = ProviderClients.Chat(RuntimeHarness.OpenAIEndpoint, http, AgentKey);
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;

        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Hello there")], new ChatCompletionOptions { MaxOutputTokenCount = 100 }))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage ??= update.Usage;
        }

        var m = _h.Runtime.GetMetrics("a1");
        Assert.Multiple(() =>
        {
            Assert.That(text.ToString(), Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(usage?.OutputTokenCount, Is.EqualTo(14), "the SDK asked for usage itself, so it sees it");
            Assert.That((m.InputTokens, m.OutputTokens), Is.EqualTo((50L, 14L)));
            Assert.That(m.BudgetSpent, Is.EqualTo((50 * 0.00000015m) + (14 * 0.0000006m)));
            Assert.That(m.BudgetReserved, Is.Zero);
        });
    }

    [Test]
    public async Task CreateResponse_OpenAISdk_ChargesUsage([Values] bool streaming)
    {
        _h.Fake.Usage = new TokenUsage(80, 20, CachedInputTokens: 0, ReasoningTokens: 5);
        using var http = _h.Runtime.CreateHttpClient("a1");
        var client = ProviderClients.Responses(RuntimeHarness.OpenAIEndpoint, http, AgentKey);
        var options = new CreateResponseOptions(ProviderClients.OpenAIModel, [ResponseItem.CreateUserMessageItem("Hello there")])
        {
            MaxOutputTokenCount = 200,
            StreamingEnabled = streaming,
        };

        string text;
        if (streaming)
        {
            var sb = new StringBuilder();
            await foreach (var update in await client.CreateResponseStreamingAsync(options))
            {
                if (update is StreamingResponseOutputTextDeltaUpdate delta)
                {
                    sb.Append(delta.Delta);
                }
            }

            text = sb.ToString();
        }
        else
        {
            text = (await client.CreateResponseAsync(options)).Value.GetOutputText();
        }

        var m = _h.Runtime.GetMetrics("a1");
        Assert.Multiple(() =>
        {
            Assert.That(text, Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That((m.InputTokens, m.OutputTokens, m.ReasoningTokens), Is.EqualTo((80L, 20L, 5L)));
            Assert.That(m.BudgetSpent, Is.EqualTo((80 * 0.00000015m) + (20 * 0.0000006m)));
        });
    }

    [Test]
    public async Task CreateMessage_AnthropicSdk_ChargesCacheAwareCost([Values] bool streaming)
    {
        _h.Fake.Usage = new TokenUsage(2000, 500, CachedInputTokens: 300, CacheCreationInputTokens: 200);
        using var http = _h.Runtime.CreateHttpClient("a2");
        var client = ProviderClients.Anthropic(RuntimeHarness.AnthropicBaseUrl, http, AgentKey);
        var request = new MessageCreateParams { Model = ProviderClients.AnthropicModel, MaxTokens = 600, Messages = [new UserMessageParam("Hello there")] };

        var text = new StringBuilder(await ProviderClients.ReadMessageTextAsync(client, request, streaming));

        var m = _h.Runtime.GetMetrics("a2");
        Assert.Multiple(() =>
        {
            Assert.That(text.ToString(), Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(_h.Fake.LastRequest.Header("x-api-key"), Is.EqualTo(FakeProvider.AnthropicKey));
            Assert.That(_h.Fake.LastRequest.Header("Authorization"), Is.Null);
            Assert.That((m.InputTokens, m.OutputTokens, m.CachedInputTokens, m.CacheCreationInputTokens), Is.EqualTo((2000L, 500L, 300L, 200L)));

            // claude-sonnet-4-5: $3/M input, $0.30/M cache read, $3.75/M cache write, $15/M output.
            Assert.That(m.BudgetSpent, Is.EqualTo((1500 * 0.000003m) + (300 * 0.0000003m) + (200 * 0.00000375m) + (500 * 0.000015m)));
        });
    }

    [Test]
    public async Task GenerateEmbeddings_OpenAISdk_ChargesInputOnly()
    {
        _h.Fake.Usage = new TokenUsage(1000, 0);
        using var http = _h.Runtime.CreateHttpClient("a3");
        var client = ProviderClients.Embeddings(RuntimeHarness.OpenAIEndpoint, http, AgentKey);

        var result = (await client.GenerateEmbeddingsAsync(["one", "two"])).Value;

        Assert.That(result, Has.Count.EqualTo(2));
        Assert.That(_h.Runtime.GetMetrics("a3").BudgetSpent, Is.EqualTo(1000 * 0.00000002m));
    }

    [Test]
    public async Task PrefixedModel_IsRoutedAndStripped()
    {
        using var http = _h.Runtime.CreateHttpClient("a1");
        var chat = ProviderClients.Chat(RuntimeHarness.OpenAIEndpoint, http, AgentKey, model: "openai/gpt-4o-mini");

        await chat.CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { MaxOutputTokenCount = 50 });

        using var body = _h.Fake.LastRequest.ParseBody();
        Assert.That(body.RootElement.GetProperty("model").GetString(), Is.EqualTo("gpt-4o-mini"));
    }
}
