using System.Buffers;
using System.Text.Json;
using IronRuntime.Router.Usage;

namespace IronRuntime.Router.Translation;

/// <summary>What every body translator does around its own members: parse the source body, write one JSON object.</summary>
internal static class TranslatedJson
{
    /// <summary>Writes the members of the translated object.</summary>
    /// <typeparam name="TState">What the translator needs besides the source.</typeparam>
    /// <param name="writer">The writer, inside the object.</param>
    /// <param name="source">The source body's root.</param>
    /// <param name="state">The translator's state.</param>
    public delegate void MembersWriter<TState>(Utf8JsonWriter writer, JsonElement source, TState state);

    /// <summary>Parses <paramref name="source"/> and writes one object whose members <paramref name="writeMembers"/> writes.</summary>
    /// <typeparam name="TState">What the translator needs besides the source.</typeparam>
    /// <param name="source">The body to translate.</param>
    /// <param name="state">The translator's state.</param>
    /// <param name="writeMembers">Writes the members.</param>
    /// <returns>The translated body.</returns>
    /// <exception cref="JsonException">The body is not JSON, or not of the shape the translator reads.</exception>
    public static byte[] WriteObject<TState>(ReadOnlySpan<byte> source, TState state, MembersWriter<TState> writeMembers)
    {
        using var doc = JsonDocument.Parse(source.ToArray());
        var output = new ArrayBufferWriter<byte>(source.Length + 256);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writeMembers(writer, doc.RootElement, state);
            writer.WriteEndObject();
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>The usage of an answer, which a translated answer must carry.</summary>
    /// <param name="answer">The answer's body.</param>
    /// <param name="api">The API it is an answer of.</param>
    /// <param name="apiName">The API's name for the error message.</param>
    /// <returns>The usage.</returns>
    /// <exception cref="JsonException">The body is not an answer of <paramref name="api"/> with usage.</exception>
    public static TokenUsage Usage(ReadOnlySpan<byte> answer, LlmApi api, string apiName)
        => UsageJsonReader.TryRead(answer, api, out TokenUsage usage) ? usage : throw new JsonException($"The answer is not a {apiName} answer with usage.");

    /// <summary>Writes the string member <paramref name="name"/> of <paramref name="source"/> again, empty when it is absent.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="source">The source object.</param>
    /// <param name="name">The member's name, the same in both APIs.</param>
    public static void CopyString(Utf8JsonWriter writer, JsonElement source, ReadOnlySpan<byte> name)
        => writer.WriteString(name, source.TryGetProperty(name, out var value) ? value.GetString() : string.Empty);
}
