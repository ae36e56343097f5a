using System.Text.Json;
using IronRuntime.Router.Wire;

namespace IronRuntime.Router.Usage;

/// <summary>
/// Counts what a Responses answer's <c>output</c> array says the provider ran and bills per use, which its
/// <c>usage</c> object does not carry: <c>web_search_call</c>, <c>file_search_call</c>, <c>code_interpreter_call</c>
/// (by container) and <c>image_generation_call</c> (by quality and size) items.
/// </summary>
internal static class ResponsesOutputItems
{
    /// <summary>The kind of billed use a <c>file_search_call</c> item is.</summary>
    public const string FileSearch = "file_search";

    /// <summary>The kind of billed use a container of <c>code_interpreter_call</c> items is.</summary>
    public const string CodeInterpreter = "code_interpreter";

    /// <summary>The kind of billed use an <c>image_generation_call</c> item is (followed by <c>.{quality}.{size}</c> when known).</summary>
    public const string ImageGeneration = "image_generation";

    private enum ItemType
    {
        Other,
        WebSearch,
        FileSearch,
        CodeInterpreter,
        ImageGeneration,
    }

    /// <summary>
    /// Counts the billed items of the array the reader is on (its <c>StartArray</c>); the reader ends on the array's
    /// last token. Anything but an array is skipped and counts 0. Web searches are returned; the other kinds are
    /// added to <paramref name="toolUses"/>, created only when the answer has such an item.
    /// </summary>
    public static long CountBilledItems(ref Utf8JsonReader reader, ref Dictionary<string, long>? toolUses)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return 0;
        }

        long webSearches = 0;
        List<string>? containers = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            var type = ItemType.Other;
            string? container = null, quality = null, size = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(WireJson.Type))
                {
                    reader.Read();
                    type = reader.TokenType != JsonTokenType.String ? ItemType.Other
                        : reader.ValueTextEquals(ResponsesWire.WebSearchCall) ? ItemType.WebSearch
                        : reader.ValueTextEquals(ResponsesWire.FileSearchCall) ? ItemType.FileSearch
                        : reader.ValueTextEquals(ResponsesWire.CodeInterpreterCall) ? ItemType.CodeInterpreter
                        : reader.ValueTextEquals(ResponsesWire.ImageGenerationCall) ? ItemType.ImageGeneration
                        : ItemType.Other;
                }
                else if (reader.ValueTextEquals("container_id"u8))
                {
                    container = ShortString(ref reader);
                }
                else if (reader.ValueTextEquals("quality"u8))
                {
                    quality = ShortString(ref reader);
                }
                else if (reader.ValueTextEquals("size"u8))
                {
                    size = ShortString(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            switch (type)
            {
                case ItemType.WebSearch:
                    webSearches++;
                    break;
                case ItemType.FileSearch:
                    Add(ref toolUses, FileSearch);
                    break;
                case ItemType.CodeInterpreter when container is null:
                    // No container named: count it as a container of its own rather than miss one.
                    Add(ref toolUses, CodeInterpreter);
                    break;
                case ItemType.CodeInterpreter:
                    containers ??= [];
                    if (!containers.Contains(container))
                    {
                        containers.Add(container);
                        Add(ref toolUses, CodeInterpreter);
                    }

                    break;
                case ItemType.ImageGeneration:
                    Add(ref toolUses, quality is null || size is null || quality == "auto" || size == "auto"
                        ? ImageGeneration
                        : string.Concat(ImageGeneration, ".", quality, ".", size));
                    break;
            }
        }

        return webSearches;
    }

    /// <summary>A string value of at most 64 bytes (ids, sizes, qualities); anything else is skipped and read as null.</summary>
    private static string? ShortString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && reader.ValueSpan.Length is > 0 and <= 64)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    private static void Add(ref Dictionary<string, long>? toolUses, string kind)
    {
        toolUses ??= new Dictionary<string, long>(StringComparer.Ordinal);
        toolUses[kind] = toolUses.GetValueOrDefault(kind) + 1;
    }
}
