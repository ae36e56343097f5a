using System.Text.Json;

namespace IronRuntime.Router.Wire;

/// <summary>Maps a property name to its <see cref="WireName"/>, and matches the containers above a value against a path.</summary>
internal static class WireNames
{
    /// <summary>The <see cref="WireName"/> of the property name the reader is on (escaped names are <see cref="WireName.Other"/>).</summary>
    public static WireName Of(ref Utf8JsonReader reader)
    {
        ReadOnlySpan<byte> n = reader.ValueSpan;
        if (reader.ValueIsEscaped || n.Length < 4)
        {
            return WireName.Other;
        }

        return n.Length switch
        {
            4 when n.SequenceEqual(MessagesWire.Text) => WireName.Text,
            5 when n.SequenceEqual(ChatCompletionsWire.Delta) => WireName.Delta,
            5 when n.SequenceEqual(WireJson.Index) => WireName.Index,
            7 when n.SequenceEqual(ChatCompletionsWire.Choices) => WireName.Choices,
            7 when n.SequenceEqual(ChatCompletionsWire.Content) => WireName.Content,
            7 when n.SequenceEqual(ChatCompletionsWire.Refusal) => WireName.Refusal,
            8 when n.SequenceEqual(ChatCompletionsWire.Function) => WireName.Function,
            9 when n.SequenceEqual(ChatCompletionsWire.Arguments) => WireName.Arguments,
            10 when n.SequenceEqual(ChatCompletionsWire.ToolCalls) => WireName.ToolCalls,
            12 when n.SequenceEqual(MessagesWire.PartialJson) => WireName.PartialJson,
            12 when n.SequenceEqual(ResponsesWire.OutputIndex) => WireName.OutputIndex,
            13 when n.SequenceEqual(ChatCompletionsWire.FinishReason) => WireName.FinishReason,
            13 when n.SequenceEqual(ChatCompletionsWire.FunctionCall) => WireName.FunctionCall,
            13 when n.SequenceEqual(MessagesWire.ContentBlock) => WireName.ContentBlock,
            13 when n.SequenceEqual(ResponsesWire.ContentIndex) => WireName.ContentIndex,
            13 when n.SequenceEqual(ResponsesWire.SummaryIndex) => WireName.SummaryIndex,
            _ => WireName.Other,
        };
    }

    /// <summary>
    /// Whether the containers a value is in are exactly <paramref name="path"/>: <paramref name="containers"/>[d] is the
    /// name of the container at depth d (1 = the root), <paramref name="depth"/> the depth of the innermost one.
    /// </summary>
    public static bool IsAt(ReadOnlySpan<WireName> containers, int depth, ReadOnlySpan<WireName> path)
        => depth == path.Length && containers.Slice(1, depth).SequenceEqual(path);
}
