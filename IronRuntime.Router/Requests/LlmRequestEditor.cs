using System.Globalization;
using System.Text;
using System.Text.Json;
using IronRuntime.Router.Wire;

namespace IronRuntime.Router.Requests;

/// <summary>
/// Applies the router's few edits to a request body by splicing bytes at positions recorded by
/// <see cref="LlmRequestReader"/>: everything the router does not change reaches the provider byte for byte.
/// </summary>
internal static class LlmRequestEditor
{
    /// <summary>Returns the body to send upstream, or the original when nothing changes.</summary>
    public static ReadOnlyMemory<byte> Apply(ReadOnlyMemory<byte> body, LlmRequestInfo info, string upstreamModel, LlmApi api, bool injectStreamUsage, long? imposedMaxOutputTokens)
    {
        var edits = default(Edits); // on the stack: most calls need no edit, and none needs more than three
        int count = 0;
        if (info.ModelTokenStart >= 0 && !string.Equals(upstreamModel, info.Model, StringComparison.Ordinal))
        {
            edits[count++] = new Edit(info.ModelTokenStart, info.ModelTokenLength, JsonString(upstreamModel));
        }

        if (injectStreamUsage)
        {
            if (info.IncludeUsageFalseStart >= 0)
            {
                edits[count++] = new Edit(info.IncludeUsageFalseStart, "false".Length, "true"u8.ToArray());
            }
            else if (info.HasStreamOptions)
            {
                edits[count++] = new Edit(info.StreamOptionsEnd, 0, Encoding.UTF8.GetBytes((info.StreamOptionsEmpty ? "" : ",") + "\"include_usage\":true"));
            }
            else if (info.StreamOptionsNullStart >= 0)
            {
                edits[count++] = new Edit(info.StreamOptionsNullStart, "null".Length, "{\"include_usage\":true}"u8.ToArray());
            }
            else
            {
                edits[count++] = new Edit(info.ObjectEnd, 0, Encoding.UTF8.GetBytes((info.ObjectEmpty ? "" : ",") + "\"stream_options\":{\"include_usage\":true}"));
            }
        }

        if (imposedMaxOutputTokens is { } max && info.MaxOutputTokens is null)
        {
            string? field = api switch
            {
                LlmApi.ChatCompletions => ChatCompletionsWire.OutputLimit,
                LlmApi.Responses => ResponsesWire.OutputLimit,
                LlmApi.Messages => MessagesWire.OutputLimit,
                _ => null,
            };
            if (field is not null)
            {
                bool needsComma = !info.ObjectEmpty || (injectStreamUsage && !info.HasStreamOptions && info.StreamOptionsNullStart < 0);
                edits[count++] = new Edit(info.ObjectEnd, 0, Encoding.UTF8.GetBytes((needsComma ? "," : "") + "\"" + field + "\":" + max.ToString(CultureInfo.InvariantCulture)));
            }
        }

        if (count == 0)
        {
            return body;
        }

        Span<Edit> active = ((Span<Edit>)edits)[..count];

        // Stable insertion sort: edits at the same position keep the order they were added in.
        for (int i = 1; i < active.Length; i++)
        {
            var item = active[i];
            int j = i - 1;
            while (j >= 0 && active[j].Position > item.Position)
            {
                active[j + 1] = active[j];
                j--;
            }

            active[j + 1] = item;
        }
        int length = body.Length;
        foreach (var e in active)
        {
            length += e.Insert.Length - e.RemoveLength;
        }

        var result = new byte[length];
        var source = body.Span;
        int read = 0, written = 0;
        foreach (var e in active)
        {
            source[read..e.Position].CopyTo(result.AsSpan(written));
            written += e.Position - read;
            e.Insert.CopyTo(result.AsSpan(written));
            written += e.Insert.Length;
            read = e.Position + e.RemoveLength;
        }

        source[read..].CopyTo(result.AsSpan(written));
        return result;
    }

    private static byte[] JsonString(string value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStringValue(value);
        }

        return buffer.ToArray();
    }

    private readonly record struct Edit(int Position, int RemoveLength, byte[] Insert);

    /// <summary>Room for the three edits <see cref="Apply"/> can make (model, streamed usage, output limit).</summary>
    [System.Runtime.CompilerServices.InlineArray(3)]
    private struct Edits
    {
        private Edit _first;
    }
}
