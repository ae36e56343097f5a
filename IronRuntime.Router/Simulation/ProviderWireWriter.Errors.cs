using System.Buffers;
using System.Text.Json;

namespace IronRuntime.Router.Simulation;

internal static partial class ProviderWireWriter
{
    /// <summary>
    /// An OpenAI error body: <c>{"error":{"message","type","param","code"}}</c>, pretty-printed with a
    /// trailing newline, as the API sends it.
    /// </summary>
    public static byte[] OpenAIError(string message, string type, string? param = null, string? code = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Indented))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error"u8);
            ProviderJson.WriteString(writer, "message"u8, message);
            ProviderJson.WriteString(writer, "type"u8, type);
            ProviderJson.WriteStringOrNull(writer, "param"u8, param);
            ProviderJson.WriteStringOrNull(writer, "code"u8, code);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// An Anthropic error body: <c>{"type":"error","error":{"type","message"},"request_id"}</c>, compact.
    /// </summary>
    public static byte[] AnthropicError(string type, string message, string? requestId)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "error"u8);
            writer.WriteStartObject("error"u8);
            ProviderJson.WriteString(writer, "type"u8, type);
            ProviderJson.WriteString(writer, "message"u8, message);
            writer.WriteEndObject();
            if (requestId is not null)
            {
                ProviderJson.WriteString(writer, "request_id"u8, requestId);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The error body for <paramref name="error"/> in the format of <paramref name="api"/>.</summary>
    public static byte[] Error(LlmApi api, ProviderRequestError error, string? requestId) =>
        api == LlmApi.Messages
            ? AnthropicError(error.Type, error.Message, requestId)
            : OpenAIError(error.Message, error.Type, error.Param, error.Code);
}
