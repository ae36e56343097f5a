using System.Text.Json;
using IronRuntime.Router.Wire;

namespace IronRuntime.Router.Usage;

/// <summary>
/// Counts what a Responses answer's <c>output</c> array says the provider ran and bills per use, which its
/// <c>usage</c> object does not carry: one <c>web_search_call</c> item per web search.
/// </summary>
internal static class ResponsesOutputItems
{
    /// <summary>
    /// Counts the <c>web_search_call</c> items of the array the reader is on (its <c>StartArray</c>); the reader ends
    /// on the array's last token. Anything but an array is skipped and counts 0.
    /// </summary>
    public static long CountWebSearchCalls(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return 0;
        }

        long calls = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool type = reader.ValueTextEquals(WireJson.Type);
                reader.Read();
                if (type && reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(ResponsesWire.WebSearchCall))
                {
                    calls++;
                }
                else
                {
                    reader.Skip();
                }
            }
        }

        return calls;
    }
}
