using System.Text;
using System.Text.Json;

namespace IronRuntime.Router.Translation;

/// <summary>Reads the text of message content in either provider's shape: a string, or an array of text parts/blocks.</summary>
internal static class ChatContent
{
    /// <summary>The text of <paramref name="content"/>: the string itself, or the text parts joined; empty for anything else.</summary>
    public static string Text(JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        foreach (var part in content.EnumerateArray())
        {
            if (part.TryGetProperty("type", out var type) && type.ValueEquals("text"u8) && part.TryGetProperty("text", out var value))
            {
                text.Append(value.GetString());
            }
        }

        return text.ToString();
    }
}
