using System.Text.Json;
using IronRuntime.Router.Wire;

namespace IronRuntime.Router.Simulation;

internal static partial class ProviderWireWriter
{
    private enum ResponsePhase
    {
        /// <summary>Before any output: <c>status: in_progress</c>, empty <c>output</c>, <c>usage: null</c>.</summary>
        InProgress,

        /// <summary>The final object: <c>completed</c> or <c>incomplete</c>, with output and usage.</summary>
        Final,
    }

    private static IEnumerable<ReadOnlyMemory<byte>> ResponseEvents(ProviderReply reply)
    {
        var frames = new FrameBuffer();
        int sequence = 0;

        Utf8JsonWriter writer = BeginEvent(frames, ResponsesWire.Created, ref sequence);
        writer.WritePropertyName(ResponsesWire.Response);
        WriteResponseObject(writer, reply, ResponsePhase.InProgress);
        yield return frames.EndEvent();

        writer = BeginEvent(frames, ResponsesWire.InProgress, ref sequence);
        writer.WritePropertyName(ResponsesWire.Response);
        WriteResponseObject(writer, reply, ResponsePhase.InProgress);
        yield return frames.EndEvent();

        yield return OutputItemEvent(frames, "response.output_item.added"u8, reply, "in_progress"u8, withContent: false, ref sequence);
        yield return ContentPartEvent(frames, "response.content_part.added"u8, reply, string.Empty, ref sequence);

        foreach (string delta in reply.Deltas)
        {
            int deltaSequence = sequence;
            writer = BeginEvent(frames, "response.output_text.delta"u8, ref sequence);
            WriteContentLocation(writer, reply);
            ProviderJson.WriteString(writer, ResponsesWire.Delta, delta);
            writer.WriteStartArray("logprobs"u8);
            writer.WriteEndArray();
            if (reply.IncludeObfuscation)
            {
                WriteObfuscation(writer, reply.ObfuscationSeed, deltaSequence, delta.Length);
            }

            yield return frames.EndEvent();
        }

        writer = BeginEvent(frames, "response.output_text.done"u8, ref sequence);
        WriteContentLocation(writer, reply);
        ProviderJson.WriteString(writer, ResponsesWire.Text, reply.Text);
        writer.WriteStartArray("logprobs"u8);
        writer.WriteEndArray();
        yield return frames.EndEvent();

        yield return ContentPartEvent(frames, "response.content_part.done"u8, reply, reply.Text, ref sequence);
        yield return OutputItemEvent(frames, "response.output_item.done"u8, reply, reply.Truncated ? "incomplete"u8 : "completed"u8, withContent: true, ref sequence);

        writer = BeginEvent(frames, reply.Truncated ? ResponsesWire.Incomplete : ResponsesWire.Completed, ref sequence);
        writer.WritePropertyName(ResponsesWire.Response);
        WriteResponseObject(writer, reply, ResponsePhase.Final);
        yield return frames.EndEvent();
    }

    private static Utf8JsonWriter BeginEvent(FrameBuffer frames, ReadOnlySpan<byte> type, ref int sequence)
    {
        Utf8JsonWriter writer = frames.BeginEvent(type);
        writer.WriteNumber("sequence_number"u8, sequence++);
        return writer;
    }

    /// <summary>The <c>response.output_item.added</c> / <c>.done</c> event of the one output message.</summary>
    private static ReadOnlyMemory<byte> OutputItemEvent(FrameBuffer frames, ReadOnlySpan<byte> type, ProviderReply reply, ReadOnlySpan<byte> status, bool withContent, ref int sequence)
    {
        Utf8JsonWriter writer = BeginEvent(frames, type, ref sequence);
        writer.WriteNumber(ResponsesWire.OutputIndex, 0);
        writer.WritePropertyName("item"u8);
        WriteOutputMessage(writer, reply, status, withContent);
        return frames.EndEvent();
    }

    /// <summary>The <c>response.content_part.added</c> / <c>.done</c> event of the one output text.</summary>
    private static ReadOnlyMemory<byte> ContentPartEvent(FrameBuffer frames, ReadOnlySpan<byte> type, ProviderReply reply, string text, ref int sequence)
    {
        Utf8JsonWriter writer = BeginEvent(frames, type, ref sequence);
        WriteContentLocation(writer, reply);
        writer.WritePropertyName("part"u8);
        WriteOutputText(writer, text);
        return frames.EndEvent();
    }

    private static void WriteContentLocation(Utf8JsonWriter writer, ProviderReply reply)
    {
        ProviderJson.WriteString(writer, "item_id"u8, reply.ItemId);
        writer.WriteNumber(ResponsesWire.OutputIndex, 0);
        writer.WriteNumber(ResponsesWire.ContentIndex, 0);
    }

    private static void WriteOutputMessage(Utf8JsonWriter writer, ProviderReply reply, ReadOnlySpan<byte> status, bool withContent)
    {
        writer.WriteStartObject();
        ProviderJson.WriteString(writer, "id"u8, reply.ItemId);
        writer.WriteString(WireJson.Type, "message"u8);
        writer.WriteString("status"u8, status);
        writer.WriteStartArray("content"u8);
        if (withContent)
        {
            WriteOutputText(writer, reply.Text);
        }

        writer.WriteEndArray();
        writer.WriteString("role"u8, "assistant"u8);
        writer.WriteEndObject();
    }

    private static void WriteOutputText(Utf8JsonWriter writer, string text)
    {
        writer.WriteStartObject();
        writer.WriteString(WireJson.Type, "output_text"u8);
        writer.WriteStartArray("annotations"u8);
        writer.WriteEndArray();
        writer.WriteStartArray("logprobs"u8);
        writer.WriteEndArray();
        ProviderJson.WriteString(writer, ResponsesWire.Text, text);
        writer.WriteEndObject();
    }

    private static void WriteResponseObject(Utf8JsonWriter writer, ProviderReply reply, ResponsePhase phase)
    {
        bool final = phase == ResponsePhase.Final;
        writer.WriteStartObject();
        ProviderJson.WriteString(writer, "id"u8, reply.Id);
        writer.WriteString("object"u8, "response"u8);
        writer.WriteNumber("created_at"u8, reply.Created);
        writer.WriteString("status"u8, !final ? "in_progress"u8 : reply.Truncated ? "incomplete"u8 : "completed"u8);
        writer.WriteBoolean("background"u8, false);
        writer.WriteStartObject("billing"u8);
        writer.WriteString("payer"u8, "developer"u8);
        writer.WriteEndObject();
        if (final && !reply.Truncated)
        {
            writer.WriteNumber("completed_at"u8, reply.Created);
        }
        else
        {
            writer.WriteNull("completed_at"u8);
        }

        writer.WriteNull("error"u8);
        writer.WritePropertyName("frequency_penalty"u8);
        writer.WriteRawValue("0.0"u8, skipInputValidation: true);
        if (final && reply.Truncated)
        {
            writer.WriteStartObject("incomplete_details"u8);
            writer.WriteString("reason"u8, "max_output_tokens"u8);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("incomplete_details"u8);
        }

        ProviderJson.WriteStringOrNull(writer, ResponsesWire.Instructions, reply.Instructions);
        if (reply.MaxOutputTokens is long maxOutputTokens)
        {
            writer.WriteNumber(ResponsesWire.MaxOutputTokens, maxOutputTokens);
        }
        else
        {
            writer.WriteNull(ResponsesWire.MaxOutputTokens);
        }

        writer.WriteNull("max_tool_calls"u8);
        ProviderJson.WriteString(writer, WireJson.Model, reply.Model);
        writer.WriteStartArray(ResponsesWire.Output);
        if (final)
        {
            WriteOutputMessage(writer, reply, reply.Truncated ? "incomplete"u8 : "completed"u8, withContent: true);
        }

        writer.WriteEndArray();
        writer.WriteBoolean("parallel_tool_calls"u8, true);
        writer.WritePropertyName("presence_penalty"u8);
        writer.WriteRawValue("0.0"u8, skipInputValidation: true);
        ProviderJson.WriteStringOrNull(writer, "previous_response_id"u8, reply.PreviousResponseId);
        writer.WriteNull("prompt_cache_key"u8);
        writer.WriteNull("prompt_cache_retention"u8);
        writer.WriteStartObject("reasoning"u8);
        writer.WriteNull("effort"u8);
        writer.WriteNull("summary"u8);
        writer.WriteEndObject();
        writer.WriteNull("safety_identifier"u8);

        // The stream's snapshots show the requested tier ("auto"); the final object the one that served it.
        writer.WriteString("service_tier"u8, final ? "default"u8 : "auto"u8);
        writer.WriteBoolean("store"u8, reply.Store);
        writer.WritePropertyName("temperature"u8);
        writer.WriteRawValue("1.0"u8, skipInputValidation: true);
        writer.WriteStartObject(ResponsesWire.Text);
        writer.WriteStartObject("format"u8);
        writer.WriteString(WireJson.Type, "text"u8);
        writer.WriteEndObject();
        writer.WriteString("verbosity"u8, "medium"u8);
        writer.WriteEndObject();
        writer.WriteString("tool_choice"u8, "auto"u8);
        writer.WriteStartArray("tools"u8);
        writer.WriteEndArray();
        writer.WriteNumber("top_logprobs"u8, 0);
        writer.WritePropertyName("top_p"u8);
        writer.WriteRawValue("1.0"u8, skipInputValidation: true);
        writer.WriteString("truncation"u8, "disabled"u8);
        if (final)
        {
            WriteResponseUsage(writer, reply.Usage);
        }
        else
        {
            writer.WriteNull(WireJson.Usage);
        }

        writer.WriteNull("user"u8);
        writer.WriteStartObject("metadata"u8);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteResponseUsage(Utf8JsonWriter writer, TokenUsage usage)
    {
        writer.WriteStartObject(WireJson.Usage);
        writer.WriteNumber("input_tokens"u8, usage.InputTokens);
        writer.WriteStartObject("input_tokens_details"u8);
        writer.WriteNumber("cached_tokens"u8, usage.CachedInputTokens);
        writer.WriteEndObject();
        writer.WriteNumber("output_tokens"u8, usage.OutputTokens);
        writer.WriteStartObject("output_tokens_details"u8);
        writer.WriteNumber("reasoning_tokens"u8, usage.ReasoningTokens);
        writer.WriteEndObject();
        writer.WriteNumber("total_tokens"u8, usage.TotalTokens);
        writer.WriteEndObject();
    }
}
