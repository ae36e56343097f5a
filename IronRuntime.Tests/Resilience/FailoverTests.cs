using System.Net;
using System.Text;
using System.Text.Json;
using Anthropic.Models.Messages;
using IronRuntime.Resilience;
using IronRuntime.Router;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using OpenAI.Chat;
using static IronRuntime.Tests.Resilience.ResilienceTestSupport;

namespace IronRuntime.Tests.Resilience;

/// <summary>Failover to another endpoint of the same provider, and across providers with translation, seen through the official SDKs.</summary>
public sealed class FailoverTests
{
    private FakeProvider _openAI = null!;
    private FakeProvider _anthropic = null!;
    private RuntimeHarness _h = null!;

    [SetUp]
    public async Task SetUp()
    {
        _openAI = await FakeProvider.StartAsync();
        _anthropic = await FakeProvider.StartAsync();
        _h = await RuntimeHarness.StartAsync(
            b => b.WithBudget(10m)
                .UseAnthropic(FakeProvider.AnthropicKey, _anthropic.BaseUri)
                .ConfigureResilience(Sensitive)
                .AddFailover("gpt-4o-mini", new FailoverTarget("anthropic", ProviderClients.AnthropicModel))
                .AddFailover("claude-sonnet-4-5", new FailoverTarget("openai", "gpt-4o")),
            _openAI);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _h.DisposeAsync();
        await _anthropic.DisposeAsync();
    }

    [Test]
    public async Task OpenAIFails_OpenAISdk_GetsOpenAIShapedAnswerFromClaude_ChargedAtClaudePrice()
    {
        _openAI.FailNext(1, 500);
        _anthropic.Usage = new TokenUsage(100, 20);
        using var http = _h.Runtime.CreateHttpClient("a1");
        var chat = ProviderClients.Chat(RuntimeHarness.OpenAIEndpoint, http, "agent-key");

        ChatCompletion completion = (await chat.CompleteChatAsync(
            [new SystemChatMessage("You are terse."), new UserChatMessage("Hello there")],
            new ChatCompletionOptions { MaxOutputTokenCount = 50 })).Value;

        using var sent = _anthropic.LastRequest.ParseBody();
        var m = _h.Runtime.GetMetrics("a1");
        Assert.Multiple(() =>
        {
            Assert.That(completion.Content[0].Text, Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(completion.Model, Is.EqualTo("claude-sonnet-4-5"), "only the model name tells");
            Assert.That(completion.FinishReason, Is.EqualTo(ChatFinishReason.Stop));
            Assert.That((completion.Usage.InputTokenCount, completion.Usage.OutputTokenCount), Is.EqualTo((100, 20)));
            Assert.That(_anthropic.LastRequest.Path, Is.EqualTo("/v1/messages"));
            Assert.That(_anthropic.LastRequest.Header("x-api-key"), Is.EqualTo(FakeProvider.AnthropicKey));
            Assert.That(sent.RootElement.GetProperty("system").GetString(), Is.EqualTo("You are terse."));
            Assert.That(sent.RootElement.GetProperty("max_tokens").GetInt64(), Is.EqualTo(50));
            Assert.That(sent.RootElement.GetProperty("model").GetString(), Is.EqualTo("claude-sonnet-4-5"));

            // claude-sonnet-4-5: $3/M input, $15/M output (not gpt-4o-mini's $0.15/$0.60).
            Assert.That(m.BudgetSpent, Is.EqualTo((100 * 0.000003m) + (20 * 0.000015m)));
            Assert.That(m.BudgetReserved, Is.Zero);
            Assert.That(m.SucceededRequests, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task OpenAIFails_OpenAISdkStreaming_GetsValidOpenAIStreamFromClaude()
    {
        _openAI.FailNext(1, 503);
        _anthropic.Usage = new TokenUsage(60, 14);
        _anthropic.WriteChunkSize = 7;
        using var http = _h.Runtime.CreateHttpClient("a1");
        var chat = ProviderClients.Chat(RuntimeHarness.OpenAIEndpoint, http, "agent-key");
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        string? model = null;

        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Hello there")], new ChatCompletionOptions { MaxOutputTokenCount = 50 }))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage ??= update.Usage;
            finish ??= update.FinishReason;
            model ??= update.Model;
        }

        var m = _h.Runtime.GetMetrics("a1");
        Assert.Multiple(() =>
        {
            Assert.That(text.ToString(), Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(model, Is.EqualTo("claude-sonnet-4-5"));
            Assert.That(finish, Is.EqualTo(ChatFinishReason.Stop));
            Assert.That((usage?.InputTokenCount, usage?.OutputTokenCount), Is.EqualTo((60, 14)));
            Assert.That(m.BudgetSpent, Is.EqualTo((60 * 0.000003m) + (14 * 0.000015m)));
            Assert.That(m.BudgetReserved, Is.Zero);
            Assert.That(m.SucceededRequests, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task OpenAIFails_StreamWithoutUsageRequested_ClientSeesNoUsageButIsCharged()
    {
        _openAI.FailNext(1, 500);
        using var http = _h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(ChatUrl, Chat(stream: true));
        string stream = await response.Content.ReadAsStringAsync();

        var m = _h.Runtime.GetMetrics("a1");
        Assert.Multiple(() =>
        {
            Assert.That(stream, Does.StartWith("data: {\"id\":\"msg_"));
            Assert.That(stream, Does.Not.Contain("usage"));
            Assert.That(stream, Does.EndWith("\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"));
            Assert.That(m.OutputTokens, Is.GreaterThan(0));
            Assert.That(m.BudgetSpent, Is.GreaterThan(0m));
        });
    }

    [Test]
    public async Task AnthropicFails_AnthropicSdk_GetsAnthropicShapedAnswerFromGpt4o()
    {
        _anthropic.FailNext(1, 529);
        _openAI.Usage = new TokenUsage(40, 10);
        using var http = _h.Runtime.CreateHttpClient("a1");
        var client = ProviderClients.Anthropic(RuntimeHarness.AnthropicBaseUrl, http, "agent-key");

        Message message = await client.Messages.Create(new MessageCreateParams
        {
            Model = ProviderClients.AnthropicModel,
            MaxTokens = 64,
            System = "Be brief.",
            Messages = [new UserMessageParam("Hello there")],
        });

        using var sent = _openAI.LastRequest.ParseBody();
        var m = _h.Runtime.GetMetrics("a1");
        Assert.Multiple(() =>
        {
            Assert.That(message.Content[0].TryPickText(out TextBlock? text), Is.True);
            Assert.That(text!.Text, Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(message.Model.Raw(), Is.EqualTo("gpt-4o"));
            Assert.That((message.Usage.InputTokens, message.Usage.OutputTokens), Is.EqualTo((40L, 10L)));
            Assert.That(message.StopReason?.Raw(), Is.EqualTo("end_turn"));
            Assert.That(_openAI.LastRequest.Path, Is.EqualTo("/v1/chat/completions"));
            Assert.That(sent.RootElement.GetProperty("messages")[0].GetProperty("role").GetString(), Is.EqualTo("system"));
            Assert.That(sent.RootElement.GetProperty("max_completion_tokens").GetInt64(), Is.EqualTo(64));

            // gpt-4o: $2.50/M input, $10/M output.
            Assert.That(m.BudgetSpent, Is.EqualTo((40 * 0.0000025m) + (10 * 0.00001m)));
        });
    }

    [Test]
    public async Task AnthropicFails_StreamingMessages_TranslatedFromOpenAIStream_Charged()
    {
        _anthropic.FailNext(1, 500);
        _openAI.Usage = new TokenUsage(40, 10);
        using var http = _h.Runtime.CreateHttpClient("a1");
        using var request = Messages(stream: true);

        using var response = await http.SendAsync(request);
        string stream = await response.Content.ReadAsStringAsync();

        var text = new StringBuilder();
        foreach (string line in stream.Split('\n').Where(l => l.StartsWith("data: {\"type\":\"content_block_delta\"", StringComparison.Ordinal)))
        {
            using var delta = JsonDocument.Parse(line["data: ".Length..]);
            text.Append(delta.RootElement.GetProperty("delta").GetProperty("text").GetString());
        }

        var m = _h.Runtime.GetMetrics("a1");
        Assert.Multiple(() =>
        {
            Assert.That(stream, Does.StartWith("event: message_start\n"));
            Assert.That(stream, Does.EndWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"));
            Assert.That(text.ToString(), Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That((m.InputTokens, m.OutputTokens), Is.EqualTo((40L, 10L)));
            Assert.That(m.BudgetSpent, Is.EqualTo((40 * 0.0000025m) + (10 * 0.00001m)));
        });
    }

    [Test]
    public async Task OpenAICircuitOpen_GoesStraightToTheFallback_WithoutCallingOpenAI()
    {
        _openAI.FailNext(2, 500);
        _anthropic.FailNext(2, 400); // the first two calls' fallbacks are refused: a 4xx is final
        using var http = _h.Runtime.CreateHttpClient("a1");
        for (int i = 0; i < 2; i++)
        {
            using var failed = await http.PostAsync(ChatUrl, Chat());
            Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }

        Assert.That(_h.Runtime.GetProviderStates()[0].State, Is.EqualTo(ProviderCircuitState.Open));
        using var response = await http.PostAsync(ChatUrl, Chat());
        string body = await response.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body, Does.Contain("\"model\":\"claude-sonnet-4-5\"").And.Contain("\"object\":\"chat.completion\""));
            Assert.That(_openAI.ArrivedCount, Is.EqualTo(2));
            Assert.That(_anthropic.ArrivedCount, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task FallbackAlsoFails_LastErrorIsPassedOnInTheClientsShape()
    {
        _openAI.FailNext(1, 500);
        _anthropic.FailNext(1, 529);
        using var http = _h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(ChatUrl, Chat());

        var (type, message) = await ReadErrorAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(529));
            Assert.That(type, Is.EqualTo("overloaded_error"), "Anthropic's error type, in OpenAI's shape");
            Assert.That(message, Is.EqualTo("Overloaded"));
            Assert.That(_h.Runtime.GetBudget().Reserved, Is.Zero);
            Assert.That(_h.Runtime.GetBudget().Spent, Is.Zero);
        });
    }

    [Test]
    public async Task InFlight_ReservationCoversTheDearestTarget()
    {
        _openAI.HoldResponses();
        using var http = _h.Runtime.CreateHttpClient("a1");
        using var content = Chat(maxTokens: 100);
        long bodyBytes = (await content.ReadAsByteArrayAsync()).Length;

        var call = http.PostAsync(ChatUrl, content);
        await _openAI.WaitForArrivalsAsync(1);
        decimal reserved = _h.Runtime.GetBudget().Reserved;
        _openAI.ReleaseHeld();
        using var response = await call;

        // The worst case at claude-sonnet-4-5's rates (cache writes $3.75/M are its dearest input rate), not gpt-4o-mini's.
        decimal claudeWorstCase = ((bodyBytes + 64) * 0.00000375m) + (100 * 0.000015m);
        Assert.Multiple(() =>
        {
            Assert.That(reserved, Is.EqualTo(claudeWorstCase));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(_h.Runtime.GetMetrics("a1").BudgetSpent, Is.LessThan(0.0001m), "answered by gpt-4o-mini, charged at its price");
        });
    }

    [Test]
    public async Task InFlight_NoOutputLimit_ReservesAndImposesTheLargestLimitAmongItsModels()
    {
        // gpt-4o-mini generates at most 16,384 tokens, its fallback claude-sonnet-4-5 64,000 (max_output_tokens in the table).
        const string body = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello there"}]}""";
        _openAI.HoldResponses();
        using var http = _h.Runtime.CreateHttpClient("a1");

        var call = http.PostAsync(ChatUrl, new StringContent(body, Encoding.UTF8, "application/json"));
        await _openAI.WaitForArrivalsAsync(1);
        decimal reserved = _h.Runtime.GetBudget().Reserved;
        _openAI.ReleaseHeld();
        using var response = await call;

        decimal claudeWorstCase = ((Encoding.UTF8.GetByteCount(body) + 64) * 0.00000375m) + (64_000 * 0.000015m);
        Assert.Multiple(() =>
        {
            Assert.That(reserved, Is.EqualTo(claudeWorstCase));
            Assert.That(response.Headers.GetValues(LlmRouter.MaxTokensImposedHeader).Single(), Is.EqualTo("64000"));
        });
    }

    [Test]
    public async Task FirstByteTimeout_OnThePrimary_FailsOverToTheTarget_AnsweredInTheCallersShape()
    {
        var time = new FakeTimeProvider();
        await _h.DisposeAsync();
        _h = await RuntimeHarness.StartAsync(
            b => b.WithBudget(10m).UseTime(time)
                .UseAnthropic(FakeProvider.AnthropicKey, _anthropic.BaseUri)
                .ConfigureResilience(o =>
                {
                    Sensitive(o);
                    o.FirstByteTimeout = TimeSpan.FromSeconds(5);
                    o.TotalTimeout = TimeSpan.FromSeconds(60);
                })
                .AddFailover("gpt-4o-mini", new FailoverTarget("anthropic", ProviderClients.AnthropicModel)),
            await FakeProvider.StartAsync());
        _h.Fake.HoldResponses();
        using var http = _h.Runtime.CreateHttpClient("a1");

        var call = http.PostAsync(ChatUrl, Chat());
        await _h.Fake.WaitForArrivalsAsync(1);
        var waited = await time.AdvanceUntilAsync(TimeSpan.FromMilliseconds(500), () => call.IsCompleted, TimeSpan.FromSeconds(60));
        using var response = await call;
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        _h.Fake.ReleaseHeld();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(waited, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(5)).And.LessThan(TimeSpan.FromSeconds(60)),
                "cut at the first-byte limit, not the whole call's (the fake clock keeps moving while the target answers in real time)");
            Assert.That(answer.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(_h.Fake.ArrivedCount, Is.EqualTo(1), "no retries configured");
            Assert.That(_anthropic.ArrivedCount, Is.EqualTo(1));
            Assert.That(_h.Runtime.GetBudget().Reserved, Is.Zero);
        });
    }

    [Test]
    public async Task SecondEndpointOfTheSameProvider_TakesOverWithTheSameModel()
    {
        await using var second = await FakeProvider.StartAsync();
        await _h.DisposeAsync();
        _h = await RuntimeHarness.StartAsync(
            b => b.ConfigureResilience(Sensitive)
                .AddProviderEndpoint("openai-eu", LlmProvider.OpenAI, second.BaseUri)
                .AddFailover(ResilienceOptions.AnyModel, new FailoverTarget("openai-eu")),
            await FakeProvider.StartAsync());
        _h.Fake.FailNext(1, 502);
        using var http = _h.Runtime.CreateHttpClient("a1");

        using var response = await http.PostAsync(ChatUrl, Chat());

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(second.ArrivedCount, Is.EqualTo(1));
            Assert.That(second.LastRequest.Header("Authorization"), Is.EqualTo("Bearer " + FakeProvider.OpenAIKey));
            Assert.That(second.LastRequest.BodyText, Does.Contain("\"model\":\"gpt-4o-mini\""));
        });
    }
}
