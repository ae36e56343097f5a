using System.Text.Json;
using IronRuntime.Router.Errors;

namespace IronRuntime.Router.Content;

/// <summary>The provider-shaped errors of the content stage: they name entity types, never values.</summary>
internal static class ContentErrors
{
    /// <summary>The error type of a blocked request or response.</summary>
    public const string BlockedType = "iron_runtime_content_blocked";

    /// <summary>The error code of a blocked request or response.</summary>
    public const string BlockedCode = "pii_detected";

    /// <summary>The error code of content that could not be parsed.</summary>
    public const string UnparsedCode = "unparsed_content";

    public static string BlockedMessage(LlmContentDirection direction, IReadOnlyList<string> entityTypes)
        => (direction == LlmContentDirection.Request ? "IronRuntime refused the request" : "IronRuntime ended the response")
           + " because it contains personal data or secrets: " + string.Join(", ", entityTypes) + ".";

    /// <summary>The SSE error event that ends a stream, in the shape of <paramref name="api"/>.</summary>
    public static byte[] StreamErrorEvent(LlmApi api, string message, string code)
    {
        if (api != LlmApi.Responses)
        {
            return ProviderErrors.StreamErrorEvent(api == LlmApi.Messages, BlockedType, message);
        }

        // The Responses API's error event: {"type":"error","code":…,"message":…,"param":null,"sequence_number":…}.
        using var buffer = new MemoryStream(128 + message.Length);
        buffer.Write("event: error\ndata: "u8);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "error"u8);
            writer.WriteString("code"u8, code);
            writer.WriteString("message"u8, message);
            writer.WriteNull("param"u8);
            writer.WriteNumber("sequence_number"u8, 0);
            writer.WriteEndObject();
        }

        buffer.Write("\n\n"u8);
        return buffer.ToArray();
    }
}
