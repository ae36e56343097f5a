using System.Text.Json;

namespace IronRuntime.Router.Translation;

/// <summary>Re-shapes a provider's JSON error body for a client that speaks the other provider's API.</summary>
internal static class ErrorShapes
{
    /// <summary>The error in the client's shape; the original type and message are kept.</summary>
    /// <param name="body">The provider's error body (any shape; a non-JSON body becomes the message).</param>
    /// <param name="toAnthropic">Whether the client speaks Anthropic's shape.</param>
    /// <returns>The new body.</returns>
    public static byte[] Translate(ReadOnlySpan<byte> body, bool toAnthropic)
    {
        string type = "api_error";
        string message = System.Text.Encoding.UTF8.GetString(body);
        try
        {
            using var doc = JsonDocument.Parse(body.ToArray());
            if (doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                if (error.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String)
                {
                    type = t.GetString()!;
                }

                if (error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                {
                    message = m.GetString()!;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: the text is the message.
        }

        return Errors.ProviderErrors.Body(toAnthropic, type, null, message);
    }
}
