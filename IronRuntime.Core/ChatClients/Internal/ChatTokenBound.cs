using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace IronRuntime.ChatClients.Internal;

/// <summary>
/// An upper bound of the prompt tokens of a chat call, without a tokenizer: the UTF-8 bytes of everything the client
/// serialises into the prompt (texts, function calls and results as JSON, tool schemas, instructions, the response
/// format), plus a per-message and per-tool allowance for the provider's framing. Byte-level BPE tokenizers (OpenAI,
/// Anthropic, Llama, Gemini's SentencePiece with byte fallback) never make more tokens than bytes, so the bound holds
/// for every provider. Content whose tokens bytes cannot bound (images, audio, files, hosted tools billed per use)
/// makes the bound unknown.
/// </summary>
internal static class ChatTokenBound
{
    /// <summary>Framing tokens allowed per message (role markers, separators).</summary>
    public const long PerMessage = 16;

    /// <summary>Framing tokens allowed per call and per tool definition.</summary>
    public const long PerCall = 64;

    /// <summary>The bound, or null with the member that cannot be bounded.</summary>
    public static long? Of(IEnumerable<ChatMessage> messages, ChatOptions? options, out string? unbounded)
    {
        unbounded = null;
        long bound = PerCall;
        foreach (var message in messages)
        {
            bound += PerMessage + Bytes(message.AuthorName);
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case TextContent text:
                        bound += Bytes(text.Text);
                        break;
                    case TextReasoningContent reasoning:
                        bound += Bytes(reasoning.Text) + Bytes(reasoning.ProtectedData);
                        break;
                    case FunctionCallContent call:
                        bound += PerMessage + Bytes(call.CallId) + Bytes(call.Name) + Json(call.Arguments);
                        break;
                    case FunctionResultContent result:
                        bound += PerMessage + Bytes(result.CallId) + Json(result.Result);
                        break;
                    case UsageContent:
                        break;
                    default:
                        unbounded = content.GetType().Name;
                        return null;
                }
            }
        }

        if (options is null)
        {
            return bound;
        }

        bound += Bytes(options.Instructions);
        if (options.ResponseFormat is ChatResponseFormatJson { Schema: { } schema } json)
        {
            bound += PerCall + Bytes(schema.GetRawText()) + Bytes(json.SchemaName) + Bytes(json.SchemaDescription);
        }

        foreach (var tool in options.Tools ?? [])
        {
            if (tool is not AIFunctionDeclaration function)
            {
                unbounded = "tool " + tool.Name;
                return null;
            }

            bound += PerCall + Bytes(function.Name) + Bytes(function.Description) + Bytes(function.JsonSchema.GetRawText());
        }

        return bound;
    }

    /// <summary>The UTF-8 bytes of the text and function-call arguments in <paramref name="contents"/>: an upper bound of their tokens.</summary>
    public static long OutputBytes(IEnumerable<AIContent> contents)
    {
        long bytes = 0;
        foreach (var content in contents)
        {
            bytes += content switch
            {
                TextContent text => Bytes(text.Text),
                TextReasoningContent reasoning => Bytes(reasoning.Text),
                FunctionCallContent call => Bytes(call.Name) + Json(call.Arguments),
                _ => 0,
            };
        }

        return bytes;
    }

    private static long Bytes(string? text) => string.IsNullOrEmpty(text) ? 0 : Encoding.UTF8.GetByteCount(text);

    private static long Json(object? value) => value is null ? 4 : JsonSerializer.SerializeToUtf8Bytes(value, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(object))).Length;
}
