using System.Text.Json;
using IronRuntime.Router.Wire;

namespace IronRuntime.Router.Simulation;

internal static partial class ProviderWireWriter
{
    private static void WriteChatCompletion(Utf8JsonWriter writer, ProviderReply reply)
    {
        WriteChatObjectStart(writer, reply, "chat.completion"u8);
        writer.WriteStartArray(ChatCompletionsWire.Choices);
        writer.WriteStartObject();
        writer.WriteNumber(WireJson.Index, 0);
        writer.WriteStartObject("message"u8);
        writer.WriteString("role"u8, "assistant"u8);
        ProviderJson.WriteString(writer, ChatCompletionsWire.Content, reply.Text);
        writer.WriteNull(ChatCompletionsWire.Refusal);
        writer.WriteStartArray("annotations"u8);
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteNull("logprobs"u8);
        writer.WriteString(ChatCompletionsWire.FinishReason, reply.Truncated ? "length"u8 : "stop"u8);
        writer.WriteEndObject();
        writer.WriteEndArray();
        WireUsage.WriteChat(writer, reply.Usage, allDetails: true);
        writer.WriteString("service_tier"u8, "default"u8);
        ProviderJson.WriteString(writer, "system_fingerprint"u8, reply.SystemFingerprint);
        writer.WriteEndObject();
    }

    private static IEnumerable<ReadOnlyMemory<byte>> ChatCompletionChunks(ProviderReply reply)
    {
        var frames = new FrameBuffer();
        int sequence = 0;

        // The role chunk: the assistant role, empty content, no refusal.
        Utf8JsonWriter writer = BeginChunk(frames, reply);
        writer.WriteStartObject(ChatCompletionsWire.Delta);
        writer.WriteString("role"u8, "assistant"u8);
        writer.WriteString(ChatCompletionsWire.Content, ""u8);
        writer.WriteNull(ChatCompletionsWire.Refusal);
        writer.WriteEndObject();
        yield return EndChunk(frames, reply, writer, finishReason: default, sequence++, payloadLength: 0);

        foreach (string delta in reply.Deltas)
        {
            writer = BeginChunk(frames, reply);
            writer.WriteStartObject(ChatCompletionsWire.Delta);
            ProviderJson.WriteString(writer, ChatCompletionsWire.Content, delta);
            writer.WriteEndObject();
            yield return EndChunk(frames, reply, writer, finishReason: default, sequence++, delta.Length);
        }

        writer = BeginChunk(frames, reply);
        writer.WriteStartObject(ChatCompletionsWire.Delta);
        writer.WriteEndObject();
        yield return EndChunk(frames, reply, writer, reply.Truncated ? "length" : "stop", sequence++, payloadLength: 0);

        if (reply.IncludeUsage)
        {
            // The extra usage chunk: no choices, the usage of the whole request.
            writer = frames.Begin(default);
            WriteChunkHeader(writer, reply);
            writer.WriteStartArray(ChatCompletionsWire.Choices);
            writer.WriteEndArray();
            WireUsage.WriteChat(writer, reply.Usage, allDetails: true);
            if (reply.IncludeObfuscation)
            {
                WriteObfuscation(writer, reply.ObfuscationSeed, sequence, payloadLength: 0);
            }

            writer.WriteEndObject();
            yield return frames.End();
        }

        yield return frames.Raw("data: [DONE]\n\n"u8);
    }

    private static Utf8JsonWriter BeginChunk(FrameBuffer frames, ProviderReply reply)
    {
        Utf8JsonWriter writer = frames.Begin(default);
        WriteChunkHeader(writer, reply);
        writer.WriteStartArray(ChatCompletionsWire.Choices);
        writer.WriteStartObject();
        writer.WriteNumber(WireJson.Index, 0);
        return writer;
    }

    /// <summary>Opens a <c>chat.completion</c> or <c>chat.completion.chunk</c> object: its id, object type, creation time and model.</summary>
    private static void WriteChatObjectStart(Utf8JsonWriter writer, ProviderReply reply, ReadOnlySpan<byte> objectType)
    {
        writer.WriteStartObject();
        ProviderJson.WriteString(writer, "id"u8, reply.Id);
        writer.WriteString("object"u8, objectType);
        writer.WriteNumber("created"u8, reply.Created);
        ProviderJson.WriteString(writer, WireJson.Model, reply.Model);
    }

    private static void WriteChunkHeader(Utf8JsonWriter writer, ProviderReply reply)
    {
        WriteChatObjectStart(writer, reply, "chat.completion.chunk"u8);
        writer.WriteString("service_tier"u8, "default"u8);
        ProviderJson.WriteString(writer, "system_fingerprint"u8, reply.SystemFingerprint);
    }

    private static ReadOnlyMemory<byte> EndChunk(FrameBuffer frames, ProviderReply reply, Utf8JsonWriter writer, string? finishReason, int sequence, int payloadLength)
    {
        writer.WriteNull("logprobs"u8);
        WireJson.WriteStringOrNull(writer, ChatCompletionsWire.FinishReason, finishReason);

        writer.WriteEndObject();
        writer.WriteEndArray();
        if (reply.IncludeUsage)
        {
            writer.WriteNull(WireJson.Usage);
        }

        if (reply.IncludeObfuscation)
        {
            WriteObfuscation(writer, reply.ObfuscationSeed, sequence, payloadLength);
        }

        writer.WriteEndObject();
        return frames.End();
    }
}
