// The Responses client is marked experimental (OPENAI001) in OpenAI 2.15.
#pragma warning disable OPENAI001

using System.ClientModel;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;
using IronRuntime.Router;
using OpenAI.Chat;
using OpenAI.Embeddings;
using OpenAI.Responses;

namespace IronRuntime.Tests.Fakes;

[TestFixture]
public sealed class FakeProviderTests
{
    private const string ChatBody = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello there"}]}""";
    private const string ChatStreamBody = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello there"}],"stream":true}""";
    private const string ChatStreamUsageBody = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello there"}],"stream":true,"stream_options":{"include_usage":true}}""";
    private const string MessagesBody = """{"model":"claude-sonnet-4-5","max_tokens":100,"messages":[{"role":"user","content":"Hello there"}]}""";

    private FakeProvider _fake = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task StartFake()
    {
        _fake = await FakeProvider.StartAsync();
        _http = new HttpClient { BaseAddress = _fake.BaseUri };
    }

    [OneTimeTearDown]
    public async Task StopFake()
    {
        _http.Dispose();
        await _fake.DisposeAsync();
    }

    [SetUp]
    public void ResetFake() => _fake.Reset();

    // ---------------------------------------------------------------- OpenAI SDK: chat

    [Test]
    public async Task CompleteChat_OfficialSdk_ReturnsReplyAndDerivedUsage()
    {
        ChatClient chat = ProviderClients.Chat(_fake.OpenAIEndpoint);

        ChatCompletion completion = (await chat.CompleteChatAsync([new UserChatMessage("Hello there")])).Value;

        Assert.Multiple(() =>
        {
            Assert.That(completion.Content[0].Text, Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(completion.FinishReason, Is.EqualTo(ChatFinishReason.Stop));
            Assert.That(completion.Model, Is.EqualTo(ProviderClients.OpenAIModel));
            Assert.That(completion.Id, Does.StartWith("chatcmpl-"));

            // "Hello there": ceil(11 / 4) + 3 per message.
            Assert.That(completion.Usage.InputTokenCount, Is.EqualTo(6));
            Assert.That(completion.Usage.OutputTokenCount, Is.EqualTo(14), "words in the reply");
            Assert.That(completion.Usage.TotalTokenCount, Is.EqualTo(20));
            Assert.That(_fake.LastRequest.Path, Is.EqualTo("/v1/chat/completions"));
            Assert.That(_fake.LastRequest.Header("Authorization"), Is.EqualTo("Bearer " + FakeProvider.OpenAIKey));
        });
    }

    [Test]
    public async Task CompleteChatStreaming_OfficialSdk_StreamsDeltasThenUsage()
    {
        ChatClient chat = ProviderClients.Chat(_fake.OpenAIEndpoint);
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;

        await foreach (StreamingChatCompletionUpdate update in chat.CompleteChatStreamingAsync([new UserChatMessage("Hello there")]))
        {
            foreach (ChatMessageContentPart part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage ??= update.Usage;
            finish ??= update.FinishReason;
        }

        Assert.Multiple(() =>
        {
            Assert.That(text.ToString(), Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(finish, Is.EqualTo(ChatFinishReason.Stop));
            Assert.That(usage, Is.Not.Null);
            Assert.That(usage!.InputTokenCount, Is.EqualTo(6));
            Assert.That(usage.OutputTokenCount, Is.EqualTo(14));
            Assert.That(_fake.LastRequest.BodyText, Does.Contain("\"include_usage\":true"), "the SDK always asks for usage");
        });
    }

    [Test]
    public async Task CompleteChatStreaming_OfficialSdkWithoutUsage_StreamsDeltasAndNoUsage()
    {
        ChatClient chat = ProviderClients.Chat(_fake.OpenAIEndpoint);
        var options = new ChatCompletionOptions();
#pragma warning disable SCME0001 // JsonPatch is experimental; it is the only way to turn include_usage off through the SDK.
        options.Patch.Set("$.stream_options.include_usage"u8, false);
#pragma warning restore SCME0001
        var text = new StringBuilder();
        bool sawUsage = false;

        await foreach (StreamingChatCompletionUpdate update in chat.CompleteChatStreamingAsync([new UserChatMessage("Hello there")], options))
        {
            foreach (ChatMessageContentPart part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            sawUsage |= update.Usage is not null;
        }

        Assert.Multiple(() =>
        {
            Assert.That(text.ToString(), Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(sawUsage, Is.False);
            Assert.That(_fake.LastRequest.BodyText, Does.Contain("\"include_usage\":false"));
        });
    }

    [Test]
    public async Task CompleteChat_MaxOutputTokensBelowReply_TruncatesWithFinishReasonLength()
    {
        ChatClient chat = ProviderClients.Chat(_fake.OpenAIEndpoint);

        ChatCompletion completion = (await chat.CompleteChatAsync([new UserChatMessage("Hi")], new ChatCompletionOptions { MaxOutputTokenCount = 3 })).Value;

        Assert.Multiple(() =>
        {
            Assert.That(completion.FinishReason, Is.EqualTo(ChatFinishReason.Length));
            Assert.That(completion.Content[0].Text, Is.EqualTo("Hello from the"));
            Assert.That(completion.Usage.OutputTokenCount, Is.EqualTo(3));
        });
    }

    // ---------------------------------------------------------------- raw chat streams: the include_usage quirks

    [Test]
    public async Task ChatStream_WithoutIncludeUsage_NoChunkHasAUsageField()
    {
        string stream = await PostTextAsync("/v1/chat/completions", ChatStreamBody, OpenAIAuth);
        List<string> data = DataLines(stream);

        Assert.Multiple(() =>
        {
            Assert.That(data[^1], Is.EqualTo("[DONE]"));
            Assert.That(stream, Does.EndWith("data: [DONE]\n\n"));
            foreach (string chunk in data[..^1])
            {
                using JsonDocument json = JsonDocument.Parse(chunk);
                Assert.That(json.RootElement.TryGetProperty("usage", out _), Is.False, chunk);
                Assert.That(json.RootElement.GetProperty("object").GetString(), Is.EqualTo("chat.completion.chunk"));
            }
        });
    }

    [Test]
    public async Task ChatStream_WithIncludeUsage_EveryChunkHasNullUsageAndAFinalUsageChunkPrecedesDone()
    {
        string stream = await PostTextAsync("/v1/chat/completions", ChatStreamUsageBody, OpenAIAuth);
        List<string> data = DataLines(stream);

        using JsonDocument first = JsonDocument.Parse(data[0]);
        using JsonDocument finish = JsonDocument.Parse(data[^3]);
        using JsonDocument usage = JsonDocument.Parse(data[^2]);
        Assert.Multiple(() =>
        {
            Assert.That(data[^1], Is.EqualTo("[DONE]"));
            foreach (string chunk in data[..^2])
            {
                using JsonDocument json = JsonDocument.Parse(chunk);
                Assert.That(json.RootElement.GetProperty("usage").ValueKind, Is.EqualTo(JsonValueKind.Null), chunk);
            }

            Assert.That(first.RootElement.GetProperty("choices")[0].GetProperty("delta").GetRawText(), Is.EqualTo("""{"role":"assistant","content":"","refusal":null}"""));
            Assert.That(finish.RootElement.GetProperty("choices")[0].GetProperty("delta").GetRawText(), Is.EqualTo("{}"));
            Assert.That(finish.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString(), Is.EqualTo("stop"));
            Assert.That(usage.RootElement.GetProperty("choices").GetArrayLength(), Is.Zero);
            Assert.That(usage.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt64(), Is.EqualTo(6));
            Assert.That(usage.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt64(), Is.EqualTo(14));
        });
    }

    [Test]
    public async Task ChatStream_ChunkKeys_KeepOpenAIOrder()
    {
        string stream = await PostTextAsync("/v1/chat/completions", ChatStreamUsageBody, OpenAIAuth);

        using JsonDocument chunk = JsonDocument.Parse(DataLines(stream)[1]);
        Assert.That(
            chunk.RootElement.EnumerateObject().Select(p => p.Name),
            Is.EqualTo(new[] { "id", "object", "created", "model", "service_tier", "system_fingerprint", "choices", "usage", "obfuscation" }));
    }

    // ---------------------------------------------------------------- OpenAI SDK: responses and embeddings

    [Test]
    public async Task CreateResponse_OfficialSdk_ReturnsOutputTextAndUsage()
    {
        ResponsesClient responses = ProviderClients.Responses(_fake.OpenAIEndpoint);

        ResponseResult response = (await responses.CreateResponseAsync(ProviderClients.OpenAIModel, "Hello there")).Value;

        Assert.Multiple(() =>
        {
            Assert.That(response.GetOutputText(), Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(response.Status, Is.EqualTo(ResponseStatus.Completed));
            Assert.That(response.Id, Does.StartWith("resp_"));
            Assert.That(response.Usage.InputTokenCount, Is.EqualTo(6));
            Assert.That(response.Usage.OutputTokenCount, Is.EqualTo(14));
            Assert.That(response.Usage.TotalTokenCount, Is.EqualTo(20));
        });
    }

    [Test]
    public async Task CreateResponseStreaming_OfficialSdk_StreamsDeltasAndCompletesWithUsage()
    {
        ResponsesClient responses = ProviderClients.Responses(_fake.OpenAIEndpoint);
        var options = new CreateResponseOptions(ProviderClients.OpenAIModel, [ResponseItem.CreateUserMessageItem("Hello there")]) { StreamingEnabled = true };
        var text = new StringBuilder();
        var sequence = new List<int>();
        ResponseResult? completed = null;

        await foreach (StreamingResponseUpdate update in await responses.CreateResponseStreamingAsync(options))
        {
            sequence.Add(update.SequenceNumber);
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
            Assert.That(text.ToString(), Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(sequence, Is.EqualTo(Enumerable.Range(0, sequence.Count)));
            Assert.That(completed, Is.Not.Null);
            Assert.That(completed!.Usage.InputTokenCount, Is.EqualTo(6));
            Assert.That(completed.Usage.OutputTokenCount, Is.EqualTo(14));
            Assert.That(completed.GetOutputText(), Is.EqualTo(FakeProvider.DefaultReplyText));
        });
    }

    [Test]
    public async Task ResponsesStream_Events_AreNamedTypedAndEndWithoutDone()
    {
        string stream = await PostTextAsync("/v1/responses", """{"model":"gpt-4o-mini","input":"Hello there","stream":true}""", OpenAIAuth);

        string[] events = stream.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        string[] names = [.. events.Select(e => e.Split('\n')[0])];
        Assert.Multiple(() =>
        {
            Assert.That(names[..4], Is.EqualTo(new[] { "event: response.created", "event: response.in_progress", "event: response.output_item.added", "event: response.content_part.added" }));
            Assert.That(names[^4..], Is.EqualTo(new[] { "event: response.output_text.done", "event: response.content_part.done", "event: response.output_item.done", "event: response.completed" }));
            Assert.That(names.Count(n => n == "event: response.output_text.delta"), Is.EqualTo(14));
            Assert.That(stream, Does.Not.Contain("[DONE]"));
            foreach (string e in events)
            {
                string[] lines = e.Split('\n');
                using JsonDocument data = JsonDocument.Parse(lines[1]["data: ".Length..]);
                Assert.That("event: " + data.RootElement.GetProperty("type").GetString(), Is.EqualTo(lines[0]));
            }
        });
    }

    [Test]
    public async Task GenerateEmbeddings_OfficialSdk_ReturnsOneVectorPerInputAndUsage()
    {
        EmbeddingClient embeddings = ProviderClients.Embeddings(_fake.OpenAIEndpoint);

        OpenAIEmbeddingCollection result = (await embeddings.GenerateEmbeddingsAsync(["first input", "second"])).Value;

        Assert.Multiple(() =>
        {
            Assert.That(result, Has.Count.EqualTo(2));
            Assert.That(result[0].ToFloats().Length, Is.EqualTo(1536));
            Assert.That(result[1].Index, Is.EqualTo(1));
            Assert.That(result.Usage.InputTokenCount, Is.EqualTo(3 + 2));
            Assert.That(result.Usage.TotalTokenCount, Is.EqualTo(5));
            Assert.That(_fake.LastRequest.BodyText, Does.Contain("\"encoding_format\":\"base64\""), "the SDK asks for base64");
        });
    }

    [Test]
    public async Task Embeddings_FloatFormatWithDimensions_ReturnsNumberArrays()
    {
        string json = await PostTextAsync("/v1/embeddings", """{"model":"text-embedding-3-small","input":"abc","dimensions":8}""", OpenAIAuth);

        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement embedding = document.RootElement.GetProperty("data")[0].GetProperty("embedding");
        Assert.Multiple(() =>
        {
            Assert.That(embedding.GetArrayLength(), Is.EqualTo(8));
            Assert.That(document.RootElement.GetProperty("usage").GetRawText(), Is.EqualTo("{\n    \"prompt_tokens\": 1,\n    \"total_tokens\": 1\n  }"));
        });
    }

    // ---------------------------------------------------------------- Anthropic SDK

    [Test]
    public async Task CreateMessage_OfficialSdk_ReturnsTextAndUsage()
    {
        var client = ProviderClients.Anthropic(_fake.AnthropicBaseUrl);

        Message message = await client.Messages.Create(new MessageCreateParams
        {
            Model = ProviderClients.AnthropicModel,
            MaxTokens = 100,
            Messages = [new UserMessageParam("Hello there")],
        });

        Assert.Multiple(() =>
        {
            Assert.That(message.Content[0].TryPickText(out TextBlock? text), Is.True);
            Assert.That(text!.Text, Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(message.StopReason?.Raw(), Is.EqualTo("end_turn"));
            Assert.That(message.Usage.InputTokens, Is.EqualTo(6));
            Assert.That(message.Usage.OutputTokens, Is.EqualTo(14));
            Assert.That(message.ID, Does.StartWith("msg_01"));
            Assert.That(_fake.LastRequest.Header("anthropic-version"), Is.Not.Empty);
            Assert.That(_fake.LastRequest.Header("Authorization"), Is.EqualTo("Bearer " + FakeProvider.AnthropicKey), "SDK 13.x sends the key as a bearer token");
        });
    }

    [Test]
    public async Task CreateMessageStreaming_OfficialSdk_StreamsTextDeltasAndCumulativeUsage()
    {
        var client = ProviderClients.Anthropic(_fake.AnthropicBaseUrl);
        var text = new StringBuilder();
        long? inputTokens = null;
        long? outputTokens = null;
        string? stopReason = null;

        await foreach (RawMessageStreamEvent streamEvent in client.Messages.CreateStreaming(new MessageCreateParams
        {
            Model = ProviderClients.AnthropicModel,
            MaxTokens = 100,
            Messages = [new UserMessageParam("Hello there")],
        }))
        {
            if (streamEvent.TryPickStart(out RawMessageStartEvent? start))
            {
                inputTokens = start!.Message.Usage.InputTokens;
            }
            else if (streamEvent.TryPickContentBlockDelta(out RawContentBlockDeltaEvent? delta) && delta!.Delta.TryPickText(out TextDelta? textDelta))
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
            Assert.That(text.ToString(), Is.EqualTo(FakeProvider.DefaultReplyText));
            Assert.That(inputTokens, Is.EqualTo(6));
            Assert.That(outputTokens, Is.EqualTo(14));
            Assert.That(stopReason, Is.EqualTo("end_turn"));
        });
    }

    [Test]
    public async Task CreateMessage_MaxTokensBelowReply_StopsWithMaxTokens()
    {
        var client = ProviderClients.Anthropic(_fake.AnthropicBaseUrl);

        Message message = await client.Messages.Create(new MessageCreateParams
        {
            Model = ProviderClients.AnthropicModel,
            MaxTokens = 2,
            Messages = [new UserMessageParam("Hello there")],
        });

        Assert.Multiple(() =>
        {
            Assert.That(message.StopReason?.Raw(), Is.EqualTo("max_tokens"));
            Assert.That(message.Usage.OutputTokens, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task MessagesStream_Events_FollowAnthropicSequence()
    {
        string stream = await PostTextAsync("/v1/messages", """{"model":"claude-sonnet-4-5","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""", AnthropicAuth);

        string[] names = [.. stream.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e.Split('\n')[0]).Distinct()];
        Assert.Multiple(() =>
        {
            Assert.That(names, Is.EqualTo(new[] { "event: message_start", "event: content_block_start", "event: ping", "event: content_block_delta", "event: content_block_stop", "event: message_delta", "event: message_stop" }));
            Assert.That(stream, Does.Contain("event: ping\ndata: {\"type\": \"ping\"}\n\n"));
            Assert.That(stream, Does.Contain("\"output_tokens\":1,"), "message_start reports one output token");
        });
    }

    // ---------------------------------------------------------------- knobs: usage

    [Test]
    public async Task Usage_Set_IsReportedInEachFormat()
    {
        _fake.Usage = new TokenUsage(InputTokens: 100, OutputTokens: 20, CachedInputTokens: 30, CacheCreationInputTokens: 10, ReasoningTokens: 5);

        ChatCompletion completion = (await ProviderClients.Chat(_fake.OpenAIEndpoint).CompleteChatAsync([new UserChatMessage("Hi")])).Value;
        string message = await PostTextAsync("/v1/messages", MessagesBody, AnthropicAuth);

        using JsonDocument anthropic = JsonDocument.Parse(message);
        JsonElement usage = anthropic.RootElement.GetProperty("usage");
        Assert.Multiple(() =>
        {
            Assert.That(completion.Usage.InputTokenCount, Is.EqualTo(100));
            Assert.That(completion.Usage.InputTokenDetails.CachedTokenCount, Is.EqualTo(30));
            Assert.That(completion.Usage.OutputTokenCount, Is.EqualTo(20));
            Assert.That(completion.Usage.OutputTokenDetails.ReasoningTokenCount, Is.EqualTo(5));
            Assert.That(usage.GetProperty("input_tokens").GetInt64(), Is.EqualTo(60), "Anthropic's input_tokens excludes cache reads and writes");
            Assert.That(usage.GetProperty("cache_read_input_tokens").GetInt64(), Is.EqualTo(30));
            Assert.That(usage.GetProperty("cache_creation_input_tokens").GetInt64(), Is.EqualTo(10));
            Assert.That(usage.GetProperty("output_tokens").GetInt64(), Is.EqualTo(20));
        });
    }

    // ---------------------------------------------------------------- validation

    [Test]
    public async Task OpenAI_MissingKey_Returns401InOpenAIShape()
    {
        using HttpResponseMessage response = await PostAsync("/v1/chat/completions", ChatBody, _ => { });

        string body = await response.Content.ReadAsStringAsync();
        using JsonDocument json = JsonDocument.Parse(body);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(json.RootElement.GetProperty("error").EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "message", "type", "param", "code" }));
            Assert.That(json.RootElement.GetProperty("error").GetProperty("message").GetString(), Does.StartWith("You didn't provide an API key."));
        });
    }

    [Test]
    public void OpenAI_WrongKey_OfficialSdkThrows401()
    {
        ChatClient chat = ProviderClients.Chat(_fake.OpenAIEndpoint, key: "sk-wrong-key-123456789");

        var exception = Assert.ThrowsAsync<ClientResultException>(async () => await chat.CompleteChatAsync([new UserChatMessage("Hi")]));

        Assert.Multiple(() =>
        {
            Assert.That(exception!.Status, Is.EqualTo(401));
            Assert.That(exception.Message, Does.Contain("invalid_api_key"));
        });
    }

    [Test]
    public async Task Anthropic_MissingKey_Returns401InAnthropicShape()
    {
        using HttpResponseMessage response = await PostAsync("/v1/messages", MessagesBody, r => r.Headers.Add("anthropic-version", "2023-06-01"));

        string body = await response.Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(body, Does.StartWith("""{"type":"error","error":{"type":"authentication_error","message":"x-api-key header is required"},"request_id":"req_011C"""));
        });
    }

    [Test]
    public async Task Anthropic_XApiKeyWithoutVersion_Returns400()
    {
        using HttpResponseMessage response = await PostAsync("/v1/messages", MessagesBody, r => r.Headers.Add("x-api-key", FakeProvider.AnthropicKey));

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("anthropic-version: header is required"));
        });
    }

    [Test]
    public async Task Anthropic_XApiKeyAndVersion_IsAccepted()
    {
        using HttpResponseMessage response = await PostAsync("/v1/messages", MessagesBody, AnthropicAuth);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("/v1/chat/completions", "{\"model\":", "We could not parse the JSON body of your request.")]
    [TestCase("/v1/chat/completions", """{"messages":[]}""", "you must provide a model parameter")]
    [TestCase("/v1/responses", "not json", "We could not parse the JSON body of your request.")]
    [TestCase("/v1/embeddings", """{"input":"x"}""", "you must provide a model parameter")]
    public async Task OpenAI_BadBody_Returns400InOpenAIShape(string path, string body, string message)
    {
        using HttpResponseMessage response = await PostAsync(path, body, OpenAIAuth);

        using JsonDocument json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(json.RootElement.GetProperty("error").GetProperty("message").GetString(), Does.StartWith(message));
            Assert.That(json.RootElement.GetProperty("error").GetProperty("type").GetString(), Is.EqualTo("invalid_request_error"));
        });
    }

    [TestCase("{bad", "The request body is not valid JSON")]
    [TestCase("""{"max_tokens":10,"messages":[]}""", "model: Field required")]
    [TestCase("""{"model":"claude-sonnet-4-5","messages":[]}""", "max_tokens: Field required")]
    public async Task Anthropic_BadBody_Returns400InAnthropicShape(string body, string message)
    {
        using HttpResponseMessage response = await PostAsync("/v1/messages", body, AnthropicAuth);

        using JsonDocument json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(json.RootElement.GetProperty("type").GetString(), Is.EqualTo("error"));
            Assert.That(json.RootElement.GetProperty("error").GetProperty("type").GetString(), Is.EqualTo("invalid_request_error"));
            Assert.That(json.RootElement.GetProperty("error").GetProperty("message").GetString(), Does.StartWith(message));
        });
    }

    [Test]
    public void Anthropic_BadBody_OfficialSdkThrowsBadRequest()
    {
        var client = ProviderClients.Anthropic(_fake.AnthropicBaseUrl);

        Assert.ThrowsAsync<AnthropicBadRequestException>(async () => await client.Messages.Create(new MessageCreateParams
        {
            Model = ProviderClients.AnthropicModel,
            MaxTokens = 0,
            Messages = [new UserMessageParam("Hi")],
        }));
    }

    // ---------------------------------------------------------------- knobs: failures

    [Test]
    public async Task FailNext_TwoRateLimits_FailsTwiceThenAnswers()
    {
        _fake.FailNext(2, 429, retryAfter: TimeSpan.FromSeconds(7));
        ChatClient chat = ProviderClients.Chat(_fake.OpenAIEndpoint);

        var first = Assert.ThrowsAsync<ClientResultException>(async () => await chat.CompleteChatAsync([new UserChatMessage("Hi")]));
        var second = Assert.ThrowsAsync<ClientResultException>(async () => await chat.CompleteChatAsync([new UserChatMessage("Hi")]));
        ChatCompletion third = (await chat.CompleteChatAsync([new UserChatMessage("Hi")])).Value;

        Assert.Multiple(() =>
        {
            Assert.That(first!.Status, Is.EqualTo(429));
            Assert.That(first.GetRawResponse()!.Headers.TryGetValue("retry-after", out string? retryAfter), Is.True);
            Assert.That(retryAfter, Is.EqualTo("7"));
            Assert.That(second!.Status, Is.EqualTo(429));
            Assert.That(third.Content[0].Text, Is.EqualTo(FakeProvider.DefaultReplyText));
        });
    }

    [Test]
    public void FailNext_Anthropic529_OfficialSdkThrowsOverloaded()
    {
        _fake.FailNext(1, 529);
        var client = ProviderClients.Anthropic(_fake.AnthropicBaseUrl);

        var exception = Assert.ThrowsAsync<AnthropicOverloadedException>(async () => await client.Messages.Create(new MessageCreateParams
        {
            Model = ProviderClients.AnthropicModel,
            MaxTokens = 10,
            Messages = [new UserMessageParam("Hi")],
        }));

        Assert.That(exception!.ResponseBody, Does.Contain("overloaded_error"));
    }

    [Test]
    public async Task FailNext_CustomBody_IsSentAsIs()
    {
        _fake.FailNext(1, 503, body: "{\"custom\":true}");

        using HttpResponseMessage response = await PostAsync("/v1/chat/completions", ChatBody, OpenAIAuth);

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("{\"custom\":true}"));
        });
    }

    [Test]
    public async Task AbortAfterEvents_Stream_IsCutAfterThatManyEvents()
    {
        _fake.AbortAfterEvents = 3;
        using HttpResponseMessage response = await PostAsync("/v1/chat/completions", ChatStreamUsageBody, OpenAIAuth, HttpCompletionOption.ResponseHeadersRead);
        await using Stream body = await response.Content.ReadAsStreamAsync();
        var received = new MemoryStream();

        Assert.That(async () => await body.CopyToAsync(received), Throws.InstanceOf<HttpRequestException>().Or.InstanceOf<IOException>());
        Assert.That(DataLines(Encoding.UTF8.GetString(received.ToArray())), Has.Count.EqualTo(3));
    }

    [Test]
    public void AbortAfterEvents_OfficialSdkStream_Throws()
    {
        _fake.AbortAfterEvents = 2;
        ChatClient chat = ProviderClients.Chat(_fake.OpenAIEndpoint);

        Assert.That(
            async () =>
            {
                await foreach (StreamingChatCompletionUpdate _ in chat.CompleteChatStreamingAsync([new UserChatMessage("Hi")]))
                {
                }
            },
            Throws.Exception);
    }

    [Test]
    public async Task Garbage_NotJson_Sends200WithHtml()
    {
        _fake.Garbage = FakeGarbage.NotJson;

        using HttpResponseMessage response = await PostAsync("/v1/chat/completions", ChatBody, OpenAIAuth);

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.StartWith("<html>"));
        });
    }

    [Test]
    public async Task Garbage_MalformedStream_SendsOneGoodEventThenBrokenJson()
    {
        _fake.Garbage = FakeGarbage.MalformedStream;

        string stream = await PostTextAsync("/v1/chat/completions", ChatStreamBody, OpenAIAuth);

        List<string> data = DataLines(stream);
        Assert.Multiple(() =>
        {
            Assert.That(data, Has.Count.EqualTo(2));
            Assert.That(() => JsonDocument.Parse(data[0]).Dispose(), Throws.Nothing);
            Assert.That(() => JsonDocument.Parse(data[1]).Dispose(), Throws.InstanceOf<JsonException>());
            Assert.That(stream, Does.Not.Contain("[DONE]"));
        });
    }

    // ---------------------------------------------------------------- knobs: timing, chunking, concurrency

    [TestCase(1)]
    [TestCase(3)]
    public async Task WriteChunkSize_SplitsMultiByteCharacters_SdksStillReassembleTheText(int chunkSize)
    {
        _fake.WriteChunkSize = chunkSize;
        _fake.ReplyText = "Ünïcödé: 中文字符 and emoji 🚀🎉 end";
        var chat = new StringBuilder();
        var claude = new StringBuilder();

        await foreach (StreamingChatCompletionUpdate update in ProviderClients.Chat(_fake.OpenAIEndpoint).CompleteChatStreamingAsync([new UserChatMessage("Hi")]))
        {
            foreach (ChatMessageContentPart part in update.ContentUpdate)
            {
                chat.Append(part.Text);
            }
        }

        await foreach (RawMessageStreamEvent streamEvent in ProviderClients.Anthropic(_fake.AnthropicBaseUrl).Messages.CreateStreaming(new MessageCreateParams
        {
            Model = ProviderClients.AnthropicModel,
            MaxTokens = 100,
            Messages = [new UserMessageParam("Hi")],
        }))
        {
            if (streamEvent.TryPickContentBlockDelta(out RawContentBlockDeltaEvent? delta) && delta!.Delta.TryPickText(out TextDelta? text))
            {
                claude.Append(text!.Text);
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(chat.ToString(), Is.EqualTo(_fake.ReplyText));
            Assert.That(claude.ToString(), Is.EqualTo(_fake.ReplyText));
        });
    }

    [Test]
    public async Task ResponseDelay_Set_DelaysTheHeaders()
    {
        _fake.ResponseDelay = TimeSpan.FromMilliseconds(150);
        var stopwatch = Stopwatch.StartNew();

        using HttpResponseMessage response = await PostAsync("/v1/chat/completions", ChatBody, OpenAIAuth, HttpCompletionOption.ResponseHeadersRead);

        Assert.That(stopwatch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(140)));
    }

    [Test]
    public async Task EventDelay_Set_SpacesTheEvents()
    {
        _fake.EventDelay = TimeSpan.FromMilliseconds(20);
        var stopwatch = Stopwatch.StartNew();

        string stream = await PostTextAsync("/v1/chat/completions", ChatStreamBody, OpenAIAuth);

        int events = DataLines(stream).Count;
        Assert.That(stopwatch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(20 * (events - 1) * 0.9)));
    }

    [Test]
    public async Task HoldResponses_RequestsWaitUntilReleased()
    {
        _fake.HoldResponses();
        Task<HttpResponseMessage>[] calls = [.. Enumerable.Range(0, 3).Select(_ => PostAsync("/v1/chat/completions", ChatBody, OpenAIAuth))];

        await _fake.WaitForArrivalsAsync(3).WaitAsync(TimeSpan.FromSeconds(5));
        bool anyAnswered = calls.Any(c => c.IsCompleted);
        int arrived = _fake.ArrivedCount;
        _fake.ReleaseHeld();
        HttpResponseMessage[] responses = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Multiple(() =>
        {
            Assert.That(anyAnswered, Is.False);
            Assert.That(arrived, Is.EqualTo(3));
            Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
            Assert.That(_fake.WaitingCount, Is.Zero);
        });
        Array.ForEach(responses, r => r.Dispose());
    }

    // ---------------------------------------------------------------- recording and reproducible bytes

    [Test]
    public async Task Requests_AreRecordedWithMethodPathHeadersAndBody()
    {
        using HttpResponseMessage response = await PostAsync("/v1/chat/completions?trace=1", ChatBody, r =>
        {
            OpenAIAuth(r);
            r.Headers.Add("X-Custom", "value");
        });

        FakeRequest request = _fake.LastRequest;
        Assert.Multiple(() =>
        {
            Assert.That(request.Method, Is.EqualTo("POST"));
            Assert.That(request.Path, Is.EqualTo("/v1/chat/completions"));
            Assert.That(request.QueryString, Is.EqualTo("?trace=1"));
            Assert.That(request.Header("x-custom"), Is.EqualTo("value"));
            Assert.That(request.Body, Is.EqualTo(Encoding.UTF8.GetBytes(ChatBody)));
            Assert.That(_fake.Requests, Has.Count.EqualTo(1));
        });
    }

    [TestCase("/v1/chat/completions", ChatBody)]
    [TestCase("/v1/chat/completions", ChatStreamBody)]
    [TestCase("/v1/chat/completions", ChatStreamUsageBody)]
    [TestCase("/v1/responses", """{"model":"gpt-4o-mini","input":"Hi","stream":true}""")]
    [TestCase("/v1/responses", """{"model":"gpt-4o-mini","input":"Hi","max_output_tokens":16}""")]
    [TestCase("/v1/embeddings", """{"model":"text-embedding-3-small","input":["a","b"],"dimensions":4}""")]
    [TestCase("/v1/messages", MessagesBody)]
    [TestCase("/v1/messages", """{"model":"claude-sonnet-4-5","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""")]
    [TestCase("/v1/messages", "{broken")]
    public async Task RenderResponse_FixedIdsAndCreated_MatchesTheBytesSentEvenWhenChunked(string path, string body)
    {
        _fake.FixedIds = true;
        _fake.FixedCreated = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000);
        _fake.WriteChunkSize = 7;
        Action<HttpRequestMessage> auth = path == "/v1/messages" ? AnthropicAuth : OpenAIAuth;

        using HttpResponseMessage first = await PostAsync(path, body, auth);
        using HttpResponseMessage second = await PostAsync(path, body, auth);
        byte[] sent = await first.Content.ReadAsByteArrayAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(sent, Is.EqualTo(_fake.RenderResponse(path, Encoding.UTF8.GetBytes(body))));
            Assert.That(await second.Content.ReadAsByteArrayAsync(), Is.EqualTo(sent));
        });
    }

    [Test]
    public void RenderResponse_WithoutFixedIds_Throws()
    {
        Assert.That(() => _fake.RenderResponse("/v1/chat/completions", Encoding.UTF8.GetBytes(ChatBody)), Throws.InvalidOperationException);
    }

    [Test]
    public async Task Ids_WithoutFixedIds_DifferPerRequest()
    {
        string first = await PostTextAsync("/v1/chat/completions", ChatBody, OpenAIAuth);
        string second = await PostTextAsync("/v1/chat/completions", ChatBody, OpenAIAuth);

        using JsonDocument a = JsonDocument.Parse(first);
        using JsonDocument b = JsonDocument.Parse(second);
        Assert.That(a.RootElement.GetProperty("id").GetString(), Is.Not.EqualTo(b.RootElement.GetProperty("id").GetString()));
    }

    [Test]
    public async Task UnknownRoute_Returns404InOpenAIShape()
    {
        using HttpResponseMessage response = await PostAsync("/v1/nope", "{}", OpenAIAuth);

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Invalid URL (POST /v1/nope)"));
        });
    }

    // ---------------------------------------------------------------- helpers

    private static void OpenAIAuth(HttpRequestMessage request) =>
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", FakeProvider.OpenAIKey);

    private static void AnthropicAuth(HttpRequestMessage request)
    {
        request.Headers.Add("x-api-key", FakeProvider.AnthropicKey);
        request.Headers.Add("anthropic-version", "2023-06-01");
    }

    private async Task<HttpResponseMessage> PostAsync(
        string path,
        string body,
        Action<HttpRequestMessage> configure,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        configure(request);
        return await _http.SendAsync(request, completion);
    }

    private async Task<string> PostTextAsync(string path, string body, Action<HttpRequestMessage> configure)
    {
        using HttpResponseMessage response = await PostAsync(path, body, configure);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The payloads of the <c>data:</c> lines of an SSE stream.</summary>
    private static List<string> DataLines(string stream) =>
        [.. stream.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l["data: ".Length..])];
}
