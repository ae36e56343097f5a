using System.Text.Json;
using IronRuntime.Router.Wire;

namespace IronRuntime.Router.Simulation;

internal static partial class ProviderWireWriter
{
    private static IEnumerable<ReadOnlyMemory<byte>> MessageEvents(ProviderReply reply)
    {
        var frames = new FrameBuffer();

        Utf8JsonWriter writer = frames.BeginEvent(MessagesWire.MessageStart);
        writer.WritePropertyName(MessagesWire.Message);
        WriteMessageObject(writer, reply, final: false);
        yield return frames.EndEvent();

        writer = frames.BeginEvent(MessagesWire.ContentBlockStart);
        writer.WriteNumber(WireJson.Index, 0);
        writer.WritePropertyName(MessagesWire.ContentBlock);
        WriteTextBlock(writer, string.Empty);
        yield return frames.EndEvent();

        yield return frames.Raw("event: ping\ndata: {\"type\": \"ping\"}\n\n"u8);

        foreach (string delta in reply.Deltas)
        {
            writer = frames.BeginEvent(MessagesWire.ContentBlockDelta);
            writer.WriteNumber(WireJson.Index, 0);
            writer.WriteStartObject(MessagesWire.Delta);
            writer.WriteString(WireJson.Type, "text_delta"u8);
            ProviderJson.WriteString(writer, MessagesWire.Text, delta);
            writer.WriteEndObject();
            yield return frames.EndEvent();
        }

        writer = frames.BeginEvent(MessagesWire.ContentBlockStop);
        writer.WriteNumber(WireJson.Index, 0);
        yield return frames.EndEvent();

        writer = frames.BeginEvent(MessagesWire.MessageDelta);
        writer.WriteStartObject(MessagesWire.Delta);
        writer.WriteString("stop_reason"u8, reply.Truncated ? "max_tokens"u8 : "end_turn"u8);
        writer.WriteNull("stop_sequence"u8);
        writer.WriteNull("stop_details"u8);
        writer.WriteEndObject();
        WireUsage.WriteAnthropic(writer, reply.Usage);
        yield return frames.EndEvent();

        frames.BeginEvent(MessagesWire.MessageStop);
        yield return frames.EndEvent();
    }

    /// <summary>
    /// Writes a Messages <c>message</c> object: the final one, or the one <c>message_start</c> carries
    /// (no content, no stop reason yet, <c>output_tokens: 1</c>).
    /// </summary>
    private static void WriteMessageObject(Utf8JsonWriter writer, ProviderReply reply, bool final)
    {
        writer.WriteStartObject();
        ProviderJson.WriteString(writer, WireJson.Model, reply.Model);
        ProviderJson.WriteString(writer, "id"u8, reply.Id);
        writer.WriteString(WireJson.Type, "message"u8);
        writer.WriteString("role"u8, "assistant"u8);
        writer.WriteStartArray(MessagesWire.Content);
        if (final)
        {
            WriteTextBlock(writer, reply.Text);
        }

        writer.WriteEndArray();
        if (final)
        {
            writer.WriteString("stop_reason"u8, reply.Truncated ? "max_tokens"u8 : "end_turn"u8);
        }
        else
        {
            writer.WriteNull("stop_reason"u8);
        }

        writer.WriteNull("stop_sequence"u8);
        writer.WriteNull("stop_details"u8);
        TokenUsage usage = reply.Usage;
        writer.WriteStartObject(WireJson.Usage);
        writer.WriteNumber(MessagesWire.InputTokens, MessagesWire.UncachedInputTokens(usage));
        writer.WriteNumber(MessagesWire.CacheCreationInputTokens, usage.CacheCreationInputTokens);
        writer.WriteNumber(MessagesWire.CacheReadInputTokens, usage.CachedInputTokens);
        writer.WriteStartObject(MessagesWire.CacheCreation);
        long oneHour = Math.Clamp(usage.CacheCreationOneHourInputTokens, 0, usage.CacheCreationInputTokens);
        writer.WriteNumber("ephemeral_5m_input_tokens"u8, usage.CacheCreationInputTokens - oneHour);
        writer.WriteNumber(MessagesWire.OneHourCacheInputTokens, oneHour);
        writer.WriteEndObject();
        if (reply.Usage.ServerToolUses > 0)
        {
            writer.WriteStartObject("server_tool_use"u8);
            writer.WriteNumber("web_search_requests"u8, reply.Usage.ServerToolUses);
            writer.WriteEndObject();
        }

        writer.WriteNumber("output_tokens"u8, final ? usage.OutputTokens : 1);
        writer.WriteString("service_tier"u8, "standard"u8);
        writer.WriteString("inference_geo"u8, "not_available"u8);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteTextBlock(Utf8JsonWriter writer, string text)
    {
        writer.WriteStartObject();
        writer.WriteString(WireJson.Type, "text"u8);
        ProviderJson.WriteString(writer, MessagesWire.Text, text);
        writer.WriteEndObject();
    }
}
