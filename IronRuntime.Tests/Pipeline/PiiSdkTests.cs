// The Responses client is marked experimental (OPENAI001) in OpenAI 2.15.
#pragma warning disable OPENAI001

using System.ClientModel;
using System.Text;
using Anthropic.Models.Messages;
using IronRuntime.Pii;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Pii;
using IronRuntime.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;
using OpenAI.Responses;

namespace IronRuntime.Tests.Pipeline;

/// <summary>
/// PII end to end: the official SDKs through the runtime against the fake provider, whose reply carries personal data
/// and a key in small network chunks. The SDKs must parse the result and see markers, never values.
/// </summary>
public sealed class PiiSdkTests
{
    private const string AgentKey = "agent-placeholder-key";
    private const string Reply = "Contact john.smith@example.com or call (415) 555-0132; card 4111 1111 1111 1111, key sk-proj-Ab3dEf5gHi7jKl9mNo1pQr3sTu5vWx7yZa9bCd1eFg3h.";
    private const string Redacted = "Contact [EMAIL] or call [PHONE]; card [CREDIT_CARD], key [OPENAI_KEY].";
    private static readonly string[] Values = ["john.smith@example.com", "(415) 555-0132", "4111 1111 1111 1111", "sk-proj-Ab3dEf5gHi7jKl9mNo1pQr3sTu5vWx7yZa9bCd1eFg3h"];

    private RuntimeHarness _h = null!;
    private RecordingAuditSink _audit = null!;

    [SetUp]
    public async Task SetUp()
    {
        _audit = new RecordingAuditSink();
        _h = await RuntimeHarness.StartAsync(b =>
        {
            b.WithBudget(10m).WithPii(p => p.ResponseMode = PiiMode.Redact);
            b.Services.AddSingleton<IPiiAuditSink>(_audit);
        });
        _h.Fake.ReplyText = Reply;
        _h.Fake.WriteChunkSize = 5;
    }

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    [Test]
    public async Task CompleteChat_ReplyWithPii_SdkSeesMarkersAndDetectionsAreCountedAndAudited([Values] bool streaming)
    {
        using var http = _h.Runtime.CreateHttpClient("a1");
        var chat = ProviderClients.Chat(RuntimeHarness.OpenAIEndpoint, http, AgentKey);
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 400 };
        string text;
        if (streaming)
        {
            var sb = new StringBuilder();
            await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Who?")], options))
            {
                foreach (var part in update.ContentUpdate)
                {
                    sb.Append(part.Text);
                }
            }

            text = sb.ToString();
        }
        else
        {
            text = (await chat.CompleteChatAsync([new UserChatMessage("Who?")], options)).Value.Content[0].Text;
        }

        AssertRedactedAndCounted(text, "a1");
    }

    [Test]
    public async Task CreateResponse_ReplyWithPii_SdkSeesMarkers([Values] bool streaming)
    {
        using var http = _h.Runtime.CreateHttpClient("a2");
        var client = ProviderClients.Responses(RuntimeHarness.OpenAIEndpoint, http, AgentKey);
        var options = new CreateResponseOptions(ProviderClients.OpenAIModel, [ResponseItem.CreateUserMessageItem("Who?")])
        {
            MaxOutputTokenCount = 400,
            StreamingEnabled = streaming,
        };

        string text;
        if (streaming)
        {
            var deltas = new StringBuilder();
            string? done = null;
            string? completed = null;
            await foreach (var update in await client.CreateResponseStreamingAsync(options))
            {
                switch (update)
                {
                    case StreamingResponseOutputTextDeltaUpdate delta:
                        deltas.Append(delta.Delta);
                        break;
                    case StreamingResponseOutputTextDoneUpdate textDone:
                        done = textDone.Text;
                        break;
                    case StreamingResponseCompletedUpdate complete:
                        completed = complete.Response.GetOutputText();
                        break;
                }
            }

            text = deltas.ToString();
            Assert.That((done, completed), Is.EqualTo((Redacted, Redacted)), "the snapshots are redacted the same way");
        }
        else
        {
            text = (await client.CreateResponseAsync(options)).Value.GetOutputText();
        }

        AssertRedactedAndCounted(text, "a2");
    }

    [Test]
    public async Task CreateMessage_ReplyWithPii_AnthropicSdkSeesMarkers([Values] bool streaming)
    {
        using var http = _h.Runtime.CreateHttpClient("a3");
        var client = ProviderClients.Anthropic(RuntimeHarness.AnthropicBaseUrl, http, AgentKey);
        var request = new MessageCreateParams { Model = ProviderClients.AnthropicModel, MaxTokens = 400, Messages = [new UserMessageParam("Who?")] };
        var text = new StringBuilder(await ProviderClients.ReadMessageTextAsync(client, request, streaming));

        AssertRedactedAndCounted(text.ToString(), "a3");
    }

    [Test]
    public async Task CompleteChat_PromptWithPiiInBlockMode_RefusedWithProviderShapedErrorNamingTypesOnly()
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(1m).WithPii(p => p.RequestMode = PiiMode.Block));
        using var http = h.Runtime.CreateHttpClient("a4");
        var chat = ProviderClients.Chat(RuntimeHarness.OpenAIEndpoint, http, AgentKey);

        var ex = Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("My SSN is 123-45-6789, mail me at jo@example.org")]));

        string body = ex!.GetRawResponse()!.Content.ToString();
        Assert.Multiple(() =>
        {
            Assert.That(ex.Status, Is.EqualTo(422));
            Assert.That(body, Does.Contain("iron_runtime_content_blocked").And.Contain("SSN").And.Contain("EMAIL"));
            Assert.That(body, Does.Not.Contain("123-45-6789").And.Not.Contain("jo@example.org"));
            Assert.That(h.Fake.ArrivedCount, Is.Zero, "the provider never saw the prompt");
            Assert.That(h.Runtime.GetMetrics("a4").DeniedRequests, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task CompleteChat_PromptWithPiiInRedactMode_ProviderReceivesMarkers()
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(1m).WithPii(p => p.RequestMode = PiiMode.Redact));
        using var http = h.Runtime.CreateHttpClient("a5");
        var chat = ProviderClients.Chat(RuntimeHarness.OpenAIEndpoint, http, AgentKey);

        await chat.CompleteChatAsync([new UserChatMessage("Mail jo@example.org about \"IBAN DE89 3704 0044 0532 0130 00\"")], new ChatCompletionOptions { MaxOutputTokenCount = 50 });

        using var sent = h.Fake.LastRequest.ParseBody();
        Assert.That(sent.RootElement.GetProperty("messages")[0].GetProperty("content").GetString(), Is.EqualTo("Mail [EMAIL] about \"IBAN [IBAN]\""));
        Assert.That(sent.RootElement.GetProperty("max_completion_tokens").GetInt32(), Is.EqualTo(50), "the rest of the body is intact");
    }

    [Test]
    public async Task StreamChat_ResponseWithPiiInBlockMode_EndsWithProviderShapedErrorEvent()
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(1m).WithPii(p => p.ResponseMode = PiiMode.Block));
        h.Fake.ReplyText = Reply;
        h.Fake.WriteChunkSize = 7;
        using var http = h.Runtime.CreateHttpClient("a6");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"gpt-4o-mini","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Who?"}]}""", Encoding.UTF8, "application/json"),
        };

        using var response = await http.SendAsync(request);
        string stream = await response.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(stream, Does.Contain("Contact "), "text before the value went out");
            Assert.That(stream, Does.EndWith("\n\n").And.Contain("\"type\":\"iron_runtime_content_blocked\"").And.Contain("EMAIL"));
            Assert.That(stream, Does.Not.Contain("john.smith").And.Not.Contain("[DONE]"));
            Assert.That(h.Runtime.GetMetrics("a6").Errors, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task StreamMessages_DetectMode_PassesBytesUnchangedAndCounts()
    {
        await using var h = await RuntimeHarness.StartAsync(b => b.WithBudget(1m).WithPii(p => p.ResponseMode = PiiMode.Detect));
        h.Fake.ReplyText = Reply;
        h.Fake.WriteChunkSize = 3;
        h.Fake.FixedIds = true;
        h.Fake.FixedCreated = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        const string Body = """{"model":"claude-sonnet-4-5","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Who?"}]}""";
        byte[] expected = h.Fake.RenderResponse("/v1/messages", Encoding.UTF8.GetBytes(Body));
        using var http = h.Runtime.CreateHttpClient("a7");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        request.Headers.Add("anthropic-version", "2023-06-01");

        using var response = await http.SendAsync(request);
        byte[] received = await response.Content.ReadAsByteArrayAsync();

        Assert.That(received, Is.EqualTo(expected));
        Assert.That(h.Runtime.GetMetrics("a7").PiiDetections, Is.EqualTo(4));
    }

    private void AssertRedactedAndCounted(string text, string agent)
    {
        var audit = _audit.Events;
        Assert.Multiple(() =>
        {
            Assert.That(text, Is.EqualTo(Redacted));
            Assert.That(_h.Runtime.GetMetrics(agent).PiiDetections, Is.EqualTo(4));
            Assert.That(audit.Select(a => a.EntityType), Is.EqualTo(new[] { PiiEntityTypes.Email, PiiEntityTypes.Phone, PiiEntityTypes.CreditCard, PiiEntityTypes.OpenAIKey }));
            Assert.That(audit.Select(a => a.AgentId).Distinct(), Is.EqualTo(new[] { agent }));
            Assert.That(audit.Select(a => a.Position), Is.EqualTo(Values.Select(v => (long)Encoding.UTF8.GetByteCount(Reply[..Reply.IndexOf(v, StringComparison.Ordinal)]))));
            foreach (var e in audit)
            {
                string record = e.ToString();
                Assert.That(Values.Any(v => record.Contains(v, StringComparison.Ordinal)), Is.False, record);
                Assert.That(e.ValueHash, Does.Match("^[0-9a-f]{32}$"));
            }
        });
    }
}
