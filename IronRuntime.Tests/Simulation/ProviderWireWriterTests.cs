using System.Text;
using System.Text.Json;
using IronRuntime.Router;
using IronRuntime.Router.Simulation;

namespace IronRuntime.Tests.Simulation;

/// <summary>
/// Byte-for-byte expectations, written from captured provider traffic (key order, indentation,
/// nulls, framing). A change here is a change of wire format: check it against the providers.
/// </summary>
[TestFixture]
public sealed class ProviderWireWriterTests
{
    private static ProviderReply Reply(LlmApi api, bool truncated = false, bool includeUsage = false, bool obfuscation = false) => new()
    {
        Api = api,
        Model = "test-model",
        Id = "ID",
        ItemId = "msg_item",
        Created = 1750000000,
        Deltas = ["Hi", " café 🚀"],
        Usage = new TokenUsage(InputTokens: 10, OutputTokens: 3, CachedInputTokens: 4, CacheCreationInputTokens: 2, ReasoningTokens: 1),
        Truncated = truncated,
        IncludeUsage = includeUsage,
        IncludeObfuscation = obfuscation,
        SystemFingerprint = "fp_1234567890",
        ObfuscationSeed = 7,
    };

    private static string Json(ProviderReply reply) => Encoding.UTF8.GetString(ProviderWireWriter.ToJsonBytes(reply));

    private static string Stream(ProviderReply reply) => Encoding.UTF8.GetString(ProviderWireWriter.ToStreamBytes(reply));

    [Test]
    public void WriteJson_ChatCompletion_IsPrettyPrintedInOpenAIOrder()
    {
        string expected = """
            {
              "id": "ID",
              "object": "chat.completion",
              "created": 1750000000,
              "model": "test-model",
              "choices": [
                {
                  "index": 0,
                  "message": {
                    "role": "assistant",
                    "content": "Hi café 🚀",
                    "refusal": null,
                    "annotations": []
                  },
                  "logprobs": null,
                  "finish_reason": "stop"
                }
              ],
              "usage": {
                "prompt_tokens": 10,
                "completion_tokens": 3,
                "total_tokens": 13,
                "prompt_tokens_details": {
                  "cached_tokens": 4,
                  "audio_tokens": 0
                },
                "completion_tokens_details": {
                  "reasoning_tokens": 1,
                  "audio_tokens": 0,
                  "accepted_prediction_tokens": 0,
                  "rejected_prediction_tokens": 0
                }
              },
              "service_tier": "default",
              "system_fingerprint": "fp_1234567890"
            }
            """.ReplaceLineEndings("\n");

        Assert.That(Json(Reply(LlmApi.ChatCompletions)), Is.EqualTo(expected));
    }

    [Test]
    public void StreamEvents_ChatCompletionWithIncludeUsage_HasNullUsageEverywhereAndAFinalUsageChunk()
    {
        const string Head = "data: {\"id\":\"ID\",\"object\":\"chat.completion.chunk\",\"created\":1750000000,\"model\":\"test-model\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_1234567890\",";
        string expected =
            Head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n" +
            Head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n" +
            Head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" café 🚀\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n" +
            Head + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}\n\n" +
            Head + "\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":3,\"total_tokens\":13,\"prompt_tokens_details\":{\"cached_tokens\":4,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":1,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}}\n\n" +
            "data: [DONE]\n\n";

        Assert.That(Stream(Reply(LlmApi.ChatCompletions, includeUsage: true)), Is.EqualTo(expected));
    }

    [Test]
    public void StreamEvents_ChatCompletionWithoutIncludeUsage_HasNoUsageFieldAndNoUsageChunk()
    {
        const string Head = "data: {\"id\":\"ID\",\"object\":\"chat.completion.chunk\",\"created\":1750000000,\"model\":\"test-model\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_1234567890\",";
        string expected =
            Head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]}\n\n" +
            Head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n" +
            Head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" café 🚀\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n" +
            Head + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"length\"}]}\n\n" +
            "data: [DONE]\n\n";

        Assert.That(Stream(Reply(LlmApi.ChatCompletions, truncated: true)), Is.EqualTo(expected));
    }

    [Test]
    public void StreamEvents_ChatCompletionWithObfuscation_PadsEveryChunkLast()
    {
        string[] chunks = Stream(Reply(LlmApi.ChatCompletions, includeUsage: true, obfuscation: true)).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Multiple(() =>
        {
            foreach (string chunk in chunks[..^1])
            {
                using JsonDocument json = JsonDocument.Parse(chunk["data: ".Length..]);
                JsonProperty last = json.RootElement.EnumerateObject().Last();
                Assert.That(last.Name, Is.EqualTo("obfuscation"), chunk);
                Assert.That(last.Value.GetString(), Does.Match("^[A-Za-z0-9]{1,16}$"));
            }

            // Content deltas are padded up to 16 characters: "Hi" gets 14.
            using JsonDocument hi = JsonDocument.Parse(chunks[1]["data: ".Length..]);
            Assert.That(hi.RootElement.GetProperty("obfuscation").GetString(), Has.Length.EqualTo(14));
            string again = Stream(Reply(LlmApi.ChatCompletions, includeUsage: true, obfuscation: true));
            Assert.That(again.Split("\n\n", StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(chunks), "deterministic");
        });
    }

    [Test]
    public void WriteJson_Message_IsCompactInAnthropicOrder()
    {
        const string Expected =
            "{\"model\":\"test-model\",\"id\":\"ID\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Hi café 🚀\"}]," +
            "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"stop_details\":null," +
            "\"usage\":{\"input_tokens\":4,\"cache_creation_input_tokens\":2,\"cache_read_input_tokens\":4,\"cache_creation\":{\"ephemeral_5m_input_tokens\":2,\"ephemeral_1h_input_tokens\":0},\"output_tokens\":3,\"service_tier\":\"standard\",\"inference_geo\":\"not_available\"}}";

        Assert.That(Json(Reply(LlmApi.Messages)), Is.EqualTo(Expected));
    }

    [Test]
    public void StreamEvents_Message_FollowsAnthropicEventSequence()
    {
        string expected =
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"test-model\",\"id\":\"ID\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"stop_details\":null," +
            "\"usage\":{\"input_tokens\":4,\"cache_creation_input_tokens\":2,\"cache_read_input_tokens\":4,\"cache_creation\":{\"ephemeral_5m_input_tokens\":2,\"ephemeral_1h_input_tokens\":0},\"output_tokens\":1,\"service_tier\":\"standard\",\"inference_geo\":\"not_available\"}}}\n\n" +
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n" +
            "event: ping\ndata: {\"type\": \"ping\"}\n\n" +
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n" +
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" café 🚀\"}}\n\n" +
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n" +
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\",\"stop_sequence\":null,\"stop_details\":null},\"usage\":{\"input_tokens\":4,\"cache_creation_input_tokens\":2,\"cache_read_input_tokens\":4,\"output_tokens\":3}}\n\n" +
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

        Assert.That(Stream(Reply(LlmApi.Messages, truncated: true)), Is.EqualTo(expected));
    }

    [Test]
    public void WriteJson_Response_IsPrettyPrintedWithEveryTopLevelField()
    {
        string expected = """
            {
              "id": "ID",
              "object": "response",
              "created_at": 1750000000,
              "status": "completed",
              "background": false,
              "billing": {
                "payer": "developer"
              },
              "completed_at": 1750000000,
              "error": null,
              "frequency_penalty": 0.0,
              "incomplete_details": null,
              "instructions": null,
              "max_output_tokens": null,
              "max_tool_calls": null,
              "model": "test-model",
              "output": [
                {
                  "id": "msg_item",
                  "type": "message",
                  "status": "completed",
                  "content": [
                    {
                      "type": "output_text",
                      "annotations": [],
                      "logprobs": [],
                      "text": "Hi café 🚀"
                    }
                  ],
                  "role": "assistant"
                }
              ],
              "parallel_tool_calls": true,
              "presence_penalty": 0.0,
              "previous_response_id": null,
              "prompt_cache_key": null,
              "prompt_cache_retention": null,
              "reasoning": {
                "effort": null,
                "summary": null
              },
              "safety_identifier": null,
              "service_tier": "default",
              "store": true,
              "temperature": 1.0,
              "text": {
                "format": {
                  "type": "text"
                },
                "verbosity": "medium"
              },
              "tool_choice": "auto",
              "tools": [],
              "top_logprobs": 0,
              "top_p": 1.0,
              "truncation": "disabled",
              "usage": {
                "input_tokens": 10,
                "input_tokens_details": {
                  "cached_tokens": 4
                },
                "output_tokens": 3,
                "output_tokens_details": {
                  "reasoning_tokens": 1
                },
                "total_tokens": 13
              },
              "user": null,
              "metadata": {}
            }
            """.ReplaceLineEndings("\n");

        Assert.That(Json(Reply(LlmApi.Responses)), Is.EqualTo(expected));
    }

    [Test]
    public void StreamEvents_Response_EmitsTypedSequencedEventsInOrder()
    {
        string[] frames = Stream(Reply(LlmApi.Responses)).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Multiple(() =>
        {
            Assert.That(frames.Select(f => f.Split('\n')[0]), Is.EqualTo(new[]
            {
                "event: response.created",
                "event: response.in_progress",
                "event: response.output_item.added",
                "event: response.content_part.added",
                "event: response.output_text.delta",
                "event: response.output_text.delta",
                "event: response.output_text.done",
                "event: response.content_part.done",
                "event: response.output_item.done",
                "event: response.completed",
            }));
            Assert.That(frames[2], Is.EqualTo("event: response.output_item.added\ndata: {\"type\":\"response.output_item.added\",\"sequence_number\":2,\"output_index\":0,\"item\":{\"id\":\"msg_item\",\"type\":\"message\",\"status\":\"in_progress\",\"content\":[],\"role\":\"assistant\"}}"));
            Assert.That(frames[3], Is.EqualTo("event: response.content_part.added\ndata: {\"type\":\"response.content_part.added\",\"sequence_number\":3,\"item_id\":\"msg_item\",\"output_index\":0,\"content_index\":0,\"part\":{\"type\":\"output_text\",\"annotations\":[],\"logprobs\":[],\"text\":\"\"}}"));
            Assert.That(frames[4], Is.EqualTo("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":4,\"item_id\":\"msg_item\",\"output_index\":0,\"content_index\":0,\"delta\":\"Hi\",\"logprobs\":[]}"));
            Assert.That(frames[6], Is.EqualTo("event: response.output_text.done\ndata: {\"type\":\"response.output_text.done\",\"sequence_number\":6,\"item_id\":\"msg_item\",\"output_index\":0,\"content_index\":0,\"text\":\"Hi café 🚀\",\"logprobs\":[]}"));
            Assert.That(frames[0], Does.Contain("\"status\":\"in_progress\"").And.Contain("\"completed_at\":null").And.Contain("\"output\":[]").And.Contain("\"service_tier\":\"auto\"").And.Contain("\"usage\":null"));
            Assert.That(frames[9], Does.StartWith("event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":9,\"response\":{\"id\":\"ID\",\"object\":\"response\""));
            Assert.That(frames[9], Does.Contain("\"usage\":{\"input_tokens\":10,\"input_tokens_details\":{\"cached_tokens\":4},\"output_tokens\":3,\"output_tokens_details\":{\"reasoning_tokens\":1},\"total_tokens\":13}"));
        });
    }

    [Test]
    public void StreamEvents_TruncatedResponse_EndsIncompleteWithReason()
    {
        ProviderReply reply = new()
        {
            Api = LlmApi.Responses,
            Model = "m",
            Id = "ID",
            ItemId = "msg_item",
            Created = 1,
            Deltas = ["Hi"],
            Usage = new TokenUsage(1, 16),
            Truncated = true,
            MaxOutputTokens = 16,
        };

        string last = Stream(reply).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)[^1];

        Assert.Multiple(() =>
        {
            Assert.That(last, Does.StartWith("event: response.incomplete\ndata: {\"type\":\"response.incomplete\""));
            Assert.That(last, Does.Contain("\"status\":\"incomplete\""));
            Assert.That(last, Does.Contain("\"incomplete_details\":{\"reason\":\"max_output_tokens\"}"));
            Assert.That(last, Does.Contain("\"max_output_tokens\":16"));
        });
    }

    [Test]
    public void Events_AreProducedOneAtATime()
    {
        using IEnumerator<ReadOnlyMemory<byte>> events = ProviderWireWriter.StreamEvents(Reply(LlmApi.Messages)).GetEnumerator();

        Assert.That(events.MoveNext(), Is.True);
        string first = Encoding.UTF8.GetString(events.Current.Span);

        Assert.That(first, Does.StartWith("event: message_start\n").And.EndWith("}}}\n\n"));
    }

    [Test]
    public void WriteEmbeddings_FloatAndBase64_MatchOpenAIShapes()
    {
        var floats = new EmbeddingsReply { Model = "text-embedding-3-small", Vectors = [[0.5f, -0.25f]], PromptTokens = 2 };
        var base64 = new EmbeddingsReply { Model = "text-embedding-3-small", Vectors = [[0.5f, -0.25f]], PromptTokens = 2, Base64 = true };
        string expectedFloats = """
            {
              "object": "list",
              "data": [
                {
                  "object": "embedding",
                  "index": 0,
                  "embedding": [
                    0.5,
                    -0.25
                  ]
                }
              ],
              "model": "text-embedding-3-small",
              "usage": {
                "prompt_tokens": 2,
                "total_tokens": 2
              }
            }
            """.ReplaceLineEndings("\n");

        string base64Json = Encoding.UTF8.GetString(ProviderWireWriter.ToJsonBytes(base64));

        Assert.Multiple(() =>
        {
            Assert.That(Encoding.UTF8.GetString(ProviderWireWriter.ToJsonBytes(floats)), Is.EqualTo(expectedFloats));

            // 0.5f and -0.25f as little-endian float32: 00 00 00 3F, 00 00 80 BE.
            Assert.That(base64Json, Does.Contain("\"embedding\": \"AAAAPwAAgL4=\""));
        });
    }

    [Test]
    public void OpenAIError_IsPrettyPrintedWithTrailingNewline()
    {
        string expected = "{\n  \"error\": {\n    \"message\": \"Bad \\\"thing\\\"\",\n    \"type\": \"invalid_request_error\",\n    \"param\": \"model\",\n    \"code\": null\n  }\n}\n";

        Assert.That(Encoding.UTF8.GetString(ProviderWireWriter.OpenAIError("Bad \"thing\"", "invalid_request_error", "model")), Is.EqualTo(expected));
    }

    [Test]
    public void AnthropicError_IsCompactWithRequestId()
    {
        Assert.That(
            Encoding.UTF8.GetString(ProviderWireWriter.AnthropicError("invalid_request_error", "max_tokens: Field required", "req_011Cabc")),
            Is.EqualTo("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"max_tokens: Field required\"},\"request_id\":\"req_011Cabc\"}"));
    }
}
