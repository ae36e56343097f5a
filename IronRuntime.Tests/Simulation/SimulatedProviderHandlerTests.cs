// The Responses client is marked experimental (OPENAI001) in OpenAI 2.15.
#pragma warning disable OPENAI001

using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using Anthropic;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;
using IronRuntime.Router.Simulation;
using IronRuntime.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;
using OpenAI.Chat;
using OpenAI.Embeddings;
using OpenAI.Responses;

namespace IronRuntime.Tests.Simulation;

[TestFixture]
public sealed class SimulatedProviderHandlerTests
{
    private static readonly Uri OpenAIEndpoint = new("https://api.openai.com/v1");
    private const string AnthropicBaseUrl = "https://api.anthropic.com";
    private const string AnyKey = "sk-not-checked";

    private static readonly DateTimeOffset Now = new(2026, 3, 14, 15, 9, 26, TimeSpan.Zero);

    private FakeTimeProvider _time = null!;
    private HttpClient _http = null!;

    [SetUp]
    public void CreateClient()
    {
        _time = new FakeTimeProvider(Now);
        _http = new HttpClient(new SimulatedProviderHandler(_time));
    }

    [TearDown]
    public void DisposeClient() => _http.Dispose();

    /// <summary>The reply's token estimate, restated: the ceiling of a quarter of its UTF-8 bytes.</summary>
    private static int ReplyTokens(string lastUserText) => (Encoding.UTF8.GetByteCount(SimulatedProviderHandler.ReplyTo(lastUserText)) + 3) / 4;

    // ---------------------------------------------------------------- OpenAI chat

    [Test]
    public async Task CompleteChat_OfficialSdk_RepliesDeterministicallyWithEstimatedUsage()
    {
        ChatClient chat = ProviderClients.Chat(OpenAIEndpoint, _http, AnyKey);

        ChatCompletion completion = (await chat.CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("Hello there")])).Value;

        Assert.Multiple(() =>
        {
            Assert.That(completion.Content[0].Text, Does.StartWith("Simulated reply to: Hello there\n\n"));
            Assert.That(completion.Content[0].Text, Is.EqualTo(SimulatedProviderHandler.ReplyTo("Hello there")));
            Assert.That(completion.FinishReason, Is.EqualTo(ChatFinishReason.Stop));
            Assert.That(completion.Model, Is.EqualTo(ProviderClients.OpenAIModel));
            Assert.That(completion.CreatedAt, Is.EqualTo(Now));

            // ceil((9 + 11) / 4) + 3 per message.
            Assert.That(completion.Usage.InputTokenCount, Is.EqualTo(5 + 6));
            Assert.That(completion.Usage.OutputTokenCount, Is.EqualTo(ReplyTokens("Hello there")));
        });
    }

    [Test]
    public async Task CompleteChat_SameRequestTwice_SameTextAndUsageButNewIds()
    {
        ChatClient chat = ProviderClients.Chat(OpenAIEndpoint, _http, AnyKey);

        ChatCompletion first = (await chat.CompleteChatAsync([new UserChatMessage("Repeat")])).Value;
        ChatCompletion second = (await chat.CompleteChatAsync([new UserChatMessage("Repeat")])).Value;

        Assert.Multiple(() =>
        {
            Assert.That(second.Content[0].Text, Is.EqualTo(first.Content[0].Text));
            Assert.That(second.Usage.TotalTokenCount, Is.EqualTo(first.Usage.TotalTokenCount));
            Assert.That(second.Id, Is.Not.EqualTo(first.Id));
            Assert.That(first.Id, Does.Match("^chatcmpl-[A-Za-z0-9]{29}$"));
        });
    }

    [Test]
    public async Task CompleteChatStreaming_OfficialSdk_StreamsSeveralDeltasAndUsage()
    {
        ChatClient chat = ProviderClients.Chat(OpenAIEndpoint, _http, AnyKey);
        var text = new StringBuilder();
        int deltas = 0;
        ChatTokenUsage? usage = null;

        await foreach (StreamingChatCompletionUpdate update in chat.CompleteChatStreamingAsync([new UserChatMessage("Stream this")]))
        {
            foreach (ChatMessageContentPart part in update.ContentUpdate)
            {
                text.Append(part.Text);
                deltas++;
            }

            usage ??= update.Usage;
        }

        Assert.Multiple(() =>
        {
            Assert.That(text.ToString(), Is.EqualTo(SimulatedProviderHandler.ReplyTo("Stream this")));
            Assert.That(deltas, Is.GreaterThan(10));
            Assert.That(usage?.InputTokenCount, Is.EqualTo(3 + 3));
            Assert.That(usage?.OutputTokenCount, Is.EqualTo(ReplyTokens("Stream this")));
        });
    }

    [Test]
    public async Task CompleteChat_MaxOutputTokens_TruncatesAndReportsLength()
    {
        ChatClient chat = ProviderClients.Chat(OpenAIEndpoint, _http, AnyKey);

        ChatCompletion completion = (await chat.CompleteChatAsync([new UserChatMessage("Hello")], new ChatCompletionOptions { MaxOutputTokenCount = 5 })).Value;

        Assert.Multiple(() =>
        {
            Assert.That(completion.FinishReason, Is.EqualTo(ChatFinishReason.Length));
            Assert.That(completion.Usage.OutputTokenCount, Is.EqualTo(5));
            Assert.That(completion.Content[0].Text, Is.EqualTo("Simulated reply to: "));
        });
    }

    // ---------------------------------------------------------------- OpenAI responses and embeddings

    [Test]
    public async Task CreateResponse_OfficialSdk_RepliesWithUsage()
    {
        ResponsesClient responses = ProviderClients.Responses(OpenAIEndpoint, _http, AnyKey);

        ResponseResult response = (await responses.CreateResponseAsync(ProviderClients.OpenAIModel, "Hello there")).Value;

        Assert.Multiple(() =>
        {
            Assert.That(response.GetOutputText(), Is.EqualTo(SimulatedProviderHandler.ReplyTo("Hello there")));
            Assert.That(response.Status, Is.EqualTo(ResponseStatus.Completed));
            Assert.That(response.CreatedAt, Is.EqualTo(Now));
            Assert.That(response.Usage.InputTokenCount, Is.EqualTo(3 + 3));
            Assert.That(response.Usage.OutputTokenCount, Is.EqualTo(ReplyTokens("Hello there")));
        });
    }

    [Test]
    public async Task CreateResponseStreaming_OfficialSdk_StreamsDeltasAndCompletes()
    {
        ResponsesClient responses = ProviderClients.Responses(OpenAIEndpoint, _http, AnyKey);
        var options = new CreateResponseOptions(ProviderClients.OpenAIModel, [ResponseItem.CreateUserMessageItem("Hello there")]) { StreamingEnabled = true };
        var text = new StringBuilder();
        ResponseResult? completed = null;

        await foreach (StreamingResponseUpdate update in await responses.CreateResponseStreamingAsync(options))
        {
            if (update is StreamingResponseOutputTextDeltaUpdate delta)
            {
                text.Append(delta.Delta);
            }
            else if (update is StreamingResponseCompletedUpdate done)
            {
                completed = done.Response;
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(text.ToString(), Is.EqualTo(SimulatedProviderHandler.ReplyTo("Hello there")));
            Assert.That(completed?.Usage.OutputTokenCount, Is.EqualTo(ReplyTokens("Hello there")));
        });
    }

    [Test]
    public async Task CreateResponse_MaxOutputTokens_IsIncomplete()
    {
        ResponsesClient responses = ProviderClients.Responses(OpenAIEndpoint, _http, AnyKey);
        var options = new CreateResponseOptions(ProviderClients.OpenAIModel, [ResponseItem.CreateUserMessageItem("Hello there")]) { MaxOutputTokenCount = 16 };

        ResponseResult response = (await responses.CreateResponseAsync(options)).Value;

        Assert.Multiple(() =>
        {
            Assert.That(response.Status, Is.EqualTo(ResponseStatus.Incomplete));
            Assert.That(response.IncompleteStatusDetails.Reason, Is.EqualTo(ResponseIncompleteStatusReason.MaxOutputTokens));
            Assert.That(response.Usage.OutputTokenCount, Is.EqualTo(16));
            Assert.That(Encoding.UTF8.GetByteCount(response.GetOutputText()), Is.LessThanOrEqualTo(64));
        });
    }

    [Test]
    public async Task GenerateEmbeddings_OfficialSdk_ReturnsDeterministicUnitVectors()
    {
        EmbeddingClient embeddings = ProviderClients.Embeddings(OpenAIEndpoint, _http, AnyKey);

        OpenAIEmbeddingCollection first = (await embeddings.GenerateEmbeddingsAsync(["same text", "other"])).Value;
        OpenAIEmbeddingCollection again = (await embeddings.GenerateEmbeddingsAsync(["same text"], new EmbeddingGenerationOptions { Dimensions = 1536 })).Value;

        float[] vector = first[0].ToFloats().ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(vector, Has.Length.EqualTo(1536));
            Assert.That(Math.Sqrt(vector.Sum(v => (double)v * v)), Is.EqualTo(1.0).Within(1e-4));
            Assert.That(again[0].ToFloats().ToArray(), Is.EqualTo(vector));
            Assert.That(first[1].ToFloats().ToArray(), Is.Not.EqualTo(vector));
            Assert.That(first.Usage.InputTokenCount, Is.EqualTo(3 + 2));
        });
    }

    [Test]
    public async Task GenerateEmbeddings_Dimensions_AreHonoured()
    {
        EmbeddingClient embeddings = ProviderClients.Embeddings(OpenAIEndpoint, _http, AnyKey);

        OpenAIEmbedding embedding = (await embeddings.GenerateEmbeddingAsync("x", new EmbeddingGenerationOptions { Dimensions = 256 })).Value;

        Assert.That(embedding.ToFloats().Length, Is.EqualTo(256));
    }

    // ---------------------------------------------------------------- Anthropic

    [Test]
    public async Task CreateMessage_OfficialSdk_RepliesWithUsage()
    {
        AnthropicClient client = ProviderClients.Anthropic(AnthropicBaseUrl, _http, AnyKey);

        Message message = await client.Messages.Create(new MessageCreateParams
        {
            Model = ProviderClients.AnthropicModel,
            MaxTokens = 1024,
            System = "Be brief.",
            Messages = [new UserMessageParam("Hello there")],
        });

        Assert.Multiple(() =>
        {
            Assert.That(message.Content[0].TryPickText(out TextBlock? text), Is.True);
            Assert.That(text!.Text, Is.EqualTo(SimulatedProviderHandler.ReplyTo("Hello there")));
            Assert.That(message.StopReason?.Raw(), Is.EqualTo("end_turn"));
            Assert.That(message.Usage.InputTokens, Is.EqualTo(5 + 6));
            Assert.That(message.Usage.OutputTokens, Is.EqualTo(ReplyTokens("Hello there")));
            Assert.That(message.ID, Does.Match("^msg_01[1-9A-HJ-NP-Za-km-z]{22}$"));
        });
    }

    [Test]
    public async Task CreateMessageStreaming_OfficialSdk_StreamsTextAndFinalUsage()
    {
        AnthropicClient client = ProviderClients.Anthropic(AnthropicBaseUrl, _http, AnyKey);
        var text = new StringBuilder();
        long? outputTokens = null;
        string? stopReason = null;

        await foreach (RawMessageStreamEvent streamEvent in client.Messages.CreateStreaming(new MessageCreateParams
        {
            Model = ProviderClients.AnthropicModel,
            MaxTokens = 1024,
            Messages = [new UserMessageParam("Hello there")],
        }))
        {
            if (streamEvent.TryPickContentBlockDelta(out RawContentBlockDeltaEvent? delta) && delta!.Delta.TryPickText(out TextDelta? textDelta))
            {
                text.Append(textDelta!.Text);
            }
            else if (streamEvent.TryPickDelta(out RawMessageDeltaEvent? messageDelta))
            {
                outputTokens = messageDelta!.Usage.OutputTokens;
                stopReason = messageDelta.Delta.StopReason?.Raw();
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(text.ToString(), Is.EqualTo(SimulatedProviderHandler.ReplyTo("Hello there")));
            Assert.That(outputTokens, Is.EqualTo(ReplyTokens("Hello there")));
            Assert.That(stopReason, Is.EqualTo("end_turn"));
        });
    }

    [Test]
    public async Task CreateMessage_MaxTokens_StopsWithMaxTokens()
    {
        AnthropicClient client = ProviderClients.Anthropic(AnthropicBaseUrl, _http, AnyKey);

        Message message = await client.Messages.Create(new MessageCreateParams
        {
            Model = ProviderClients.AnthropicModel,
            MaxTokens = 3,
            Messages = [new UserMessageParam("Hello there")],
        });

        Assert.Multiple(() =>
        {
            Assert.That(message.StopReason?.Raw(), Is.EqualTo("max_tokens"));
            Assert.That(message.Usage.OutputTokens, Is.EqualTo(3));
            Assert.That(message.Content[0].TryPickText(out TextBlock? text), Is.True);
            Assert.That(text!.Text, Is.EqualTo("Simulated re"));
        });
    }

    // ---------------------------------------------------------------- validation, routing, transport

    [Test]
    public async Task ChatCompletions_BadJson_Returns400InOpenAIShape()
    {
        using HttpResponseMessage response = await PostAsync("https://api.openai.com/v1/chat/completions", "{\"model\":");

        string body = await response.Content.ReadAsStringAsync();
        using JsonDocument json = JsonDocument.Parse(body);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That(json.RootElement.GetProperty("error").GetProperty("type").GetString(), Is.EqualTo("invalid_request_error"));
            Assert.That(json.RootElement.GetProperty("error").GetProperty("message").GetString(), Does.StartWith("We could not parse the JSON body"));
            Assert.That(response.Headers.GetValues("x-request-id").Single(), Does.Match("^req_[0-9a-f]{32}$"));
        });
    }

    [Test]
    public async Task Messages_BadJson_Returns400InAnthropicShape()
    {
        using HttpResponseMessage response = await PostAsync("https://api.anthropic.com/v1/messages", "not json");

        string body = await response.Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(body, Does.StartWith("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"The request body is not valid JSON"));
            Assert.That(body, Does.Contain("\"request_id\":\"" + response.Headers.GetValues("request-id").Single() + "\""));
        });
    }

    [Test]
    public void CreateMessage_MissingMaxTokens_OfficialSdkThrowsBadRequest()
    {
        AnthropicClient client = ProviderClients.Anthropic(AnthropicBaseUrl, _http, AnyKey);

        Assert.ThrowsAsync<AnthropicBadRequestException>(async () => await client.Messages.Create(new MessageCreateParams
        {
            Model = ProviderClients.AnthropicModel,
            MaxTokens = 0,
            Messages = [new UserMessageParam("Hi")],
        }));
    }

    [Test]
    public void CompleteChat_InvalidLimit_OfficialSdkThrows400()
    {
        ChatClient chat = ProviderClients.Chat(OpenAIEndpoint, _http, AnyKey);

        var exception = Assert.ThrowsAsync<ClientResultException>(async () => await chat.CompleteChatAsync([new UserChatMessage("Hi")], new ChatCompletionOptions { MaxOutputTokenCount = 0 }));

        Assert.That(exception!.Status, Is.EqualTo(400));
    }

    [Test]
    public async Task ChatCompletions_NoApiKey_IsAnsweredAnyway()
    {
        using HttpResponseMessage response = await PostAsync(
            "https://api.openai.com/v1/chat/completions",
            """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("https://api.openai.com/v1/models")]
    [TestCase("https://api.openai.com/v1/chat/completions/extra")]
    public async Task UnknownRoute_Returns404InOpenAIShape(string url)
    {
        using HttpResponseMessage response = await PostAsync(url, "{}");

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("\"message\": \"Invalid URL (POST " + new Uri(url).AbsolutePath + ")\""));
        });
    }

    [Test]
    public async Task Stream_IsDeliveredEventByEvent()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.anthropic.com/v1/messages")
        {
            Content = new StringContent("""{"model":"claude-sonnet-4-5","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""", Encoding.UTF8, "application/json"),
        };
        using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using Stream body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];

        int first = await body.ReadAsync(buffer);
        int second = await body.ReadAsync(buffer);
        string secondText = Encoding.UTF8.GetString(buffer, 0, second);

        Assert.Multiple(() =>
        {
            Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo("text/event-stream; charset=utf-8"));
            Assert.That(response.Headers.CacheControl?.NoCache, Is.True);
            Assert.That(first, Is.LessThan(1024), "the first read holds only message_start");
            Assert.That(secondText, Does.StartWith("event: content_block_start\n").And.EndWith("\n\n"));
        });
    }

    [Test]
    public async Task Created_ComesFromTheTimeProvider()
    {
        _time.Advance(TimeSpan.FromHours(1));

        using HttpResponseMessage response = await PostAsync("https://api.openai.com/v1/responses", """{"model":"gpt-4o-mini","input":"Hi"}""");
        string body = await response.Content.ReadAsStringAsync();

        using JsonDocument json = JsonDocument.Parse(body);
        Assert.That(json.RootElement.GetProperty("created_at").GetInt64(), Is.EqualTo(Now.AddHours(1).ToUnixTimeSeconds()));
    }

    [Test]
    public void Send_Synchronous_Works()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.openai.com/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}""", Encoding.UTF8, "application/json"),
        };

        using HttpResponseMessage response = _http.Send(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("Hello", "Hello")]
    [TestCase("  line one\n\n  line\ttwo  ", "line one line two")]
    [TestCase("0123456789012345678901234567890123456789012345678901234567890123456789", "012345678901234567890123456789012345678901234567890123456789")]
    [TestCase("", "")]
    public void ReplyTo_LastUserText_QuotesItsFirst60CharactersOnOneLine(string lastUserText, string quoted)
    {
        string reply = SimulatedProviderHandler.ReplyTo(lastUserText);

        Assert.That(reply, Does.StartWith("Simulated reply to: " + quoted + "\n\n"));
    }

    [Test]
    public void ReplyTo_EmojiAtTheLimit_IsNotSplit()
    {
        string text = new string('a', 59) + "🚀🚀";

        string reply = SimulatedProviderHandler.ReplyTo(text);

        Assert.That(reply, Does.StartWith("Simulated reply to: " + new string('a', 59) + "\n\n"));
    }

    private async Task<HttpResponseMessage> PostAsync(string url, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        return await _http.SendAsync(request);
    }
}
