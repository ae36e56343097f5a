using System.Net;
using System.Text;
using IronRuntime.Router;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Support;
using OpenAI.Chat;

namespace IronRuntime.Tests.Pipeline;

/// <summary>
/// Synchronous sends (<see cref="HttpClient.Send(HttpRequestMessage)"/>, which the official OpenAI SDK uses for its
/// synchronous methods) go through the whole chain, as asynchronous ones do: routed, keyed, metered and charged.
/// </summary>
public sealed class SyncSendTests
{
    private const string AgentKey = "agent-placeholder-key";
    private RuntimeHarness _h = null!;

    [SetUp]
    public async Task SetUp() => _h = await RuntimeHarness.StartAsync(b => b.WithBudget(10m));

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    [Test]
    public void CompleteChat_SynchronousOpenAISdk_IsRoutedToTheProviderWithTheRealKeyAndCharged()
    {
        _h.Fake.Usage = new TokenUsage(1000, 200);
        using var http = _h.Runtime.CreateHttpClient("a1");
        var chat = ProviderClients.Chat(RuntimeHarness.OpenAIEndpoint, http, AgentKey);

        ChatCompletion completion = chat.CompleteChat([new UserChatMessage("Hello there")], new ChatCompletionOptions { MaxOutputTokenCount = 400 }).Value;

        var m = _h.Runtime.GetMetrics("a1");
        Assert.Multiple(() =>
        {
            Assert.That(completion.Content[0].Text, Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(_h.Fake.LastRequest.Header("Authorization"), Is.EqualTo("Bearer " + FakeProvider.OpenAIKey));
            Assert.That(m.SucceededRequests, Is.EqualTo(1));

            // gpt-4o-mini: $0.15/M input, $0.60/M output.
            Assert.That(m.BudgetSpent, Is.EqualTo((1000 * 0.00000015m) + (200 * 0.0000006m)));
            Assert.That(m.BudgetReserved, Is.Zero);
        });
    }

    [Test]
    public void CompleteChatStreaming_SynchronousOpenAISdk_StreamsThroughTheMeteringAndIsCharged()
    {
        _h.Fake.Usage = new TokenUsage(50, 14);
        _h.Fake.WriteChunkSize = 7;
        using var http = _h.Runtime.CreateHttpClient("a1");
        var chat = ProviderClients.Chat(RuntimeHarness.OpenAIEndpoint, http, AgentKey);
        var text = new StringBuilder();

        foreach (var update in chat.CompleteChatStreaming([new UserChatMessage("Hello there")], new ChatCompletionOptions { MaxOutputTokenCount = 100 }))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        var m = _h.Runtime.GetMetrics("a1");
        Assert.Multiple(() =>
        {
            Assert.That(text.ToString(), Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That((m.InputTokens, m.OutputTokens), Is.EqualTo((50L, 14L)));
            Assert.That(m.BudgetSpent, Is.EqualTo((50 * 0.00000015m) + (14 * 0.0000006m)));
            Assert.That(m.BudgetReserved, Is.Zero);
        });
    }

    [Test]
    public void Send_OverBudget_IsRefusedWith402AndNeverReachesTheProvider()
    {
        using var http = _h.Runtime.CreateHttpClient("a1");
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.openai.com/v1/chat/completions")
        {
            // 20 M output tokens at gpt-4o-mini's $0.60/M: $12, more than the $10 budget.
            Content = new StringContent("""{"model":"gpt-4o-mini","max_tokens":20000000,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };

        using var response = http.Send(request);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PaymentRequired));
            Assert.That(_h.Fake.Requests, Is.Empty);
        });
    }
}
