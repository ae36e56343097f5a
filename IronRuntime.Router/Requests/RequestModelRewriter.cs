using System.Text.Json;
using IronRuntime.Router.Wire;

namespace IronRuntime.Router.Requests;

/// <summary>Puts another model into a request body: the top-level <c>model</c> string is spliced, every other byte kept.</summary>
internal static class RequestModelRewriter
{
    /// <summary>The body with its top-level <c>model</c> replaced by <paramref name="model"/> (added when absent).</summary>
    /// <param name="body">A JSON object.</param>
    /// <param name="model">The model.</param>
    /// <returns>The new body.</returns>
    /// <exception cref="JsonException">The body is not a JSON object.</exception>
    public static byte[] WithModel(ReadOnlySpan<byte> body, string model)
    {
        var reader = new Utf8JsonReader(body);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The request body is not a JSON object.");
        }

        int objectStart = (int)reader.TokenStartIndex;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isModel = reader.ValueTextEquals(WireJson.Model);
            reader.Read();
            if (isModel && reader.TokenType == JsonTokenType.String)
            {
                int start = (int)reader.TokenStartIndex;
                int end = start + reader.ValueSpan.Length + 2;
                return Splice(body, start, end, JsonSerializer.SerializeToUtf8Bytes(model));
            }

            reader.Skip();
        }

        byte[] member = JsonSerializer.SerializeToUtf8Bytes(model);
        byte[] prefix = "\"model\":"u8.ToArray();
        byte[] insert = new byte[prefix.Length + member.Length + 1];
        prefix.CopyTo(insert, 0);
        member.CopyTo(insert, prefix.Length);
        insert[^1] = (byte)',';
        return Splice(body, objectStart + 1, objectStart + 1, insert);
    }

    private static byte[] Splice(ReadOnlySpan<byte> body, int start, int end, ReadOnlySpan<byte> replacement)
    {
        byte[] result = new byte[body.Length - (end - start) + replacement.Length];
        body[..start].CopyTo(result);
        replacement.CopyTo(result.AsSpan(start));
        body[end..].CopyTo(result.AsSpan(start + replacement.Length));
        return result;
    }
}
