using System.Buffers;
using System.Text.Json;
using IronRuntime.Router.Wire;

namespace IronRuntime.Router.Simulation;

/// <summary>
/// Writes answers byte for byte as OpenAI and Anthropic send them today: key order, indentation
/// (OpenAI pretty-prints JSON bodies with two spaces; Anthropic and every stream event are compact),
/// <c>null</c>s, the Chat Completions <c>include_usage</c> quirks, and the SSE framing of each API.
/// </summary>
/// <remarks>
/// <para>
/// Stream events come out one at a time from <see cref="StreamEvents(ProviderReply)"/>. Each element is a
/// complete SSE frame (<c>event: …\ndata: …\n\n</c>, or <c>data: …\n\n</c> for Chat Completions) written
/// into one reused buffer: it is valid only until the enumerator moves on.
/// </para>
/// <para>
/// Formats follow captured provider traffic: Chat Completions chunks carry <c>service_tier</c> and
/// <c>system_fingerprint</c> before <c>choices</c>, then <c>usage</c> (only with
/// <c>stream_options.include_usage</c>: <c>null</c> on every chunk and a final chunk with empty
/// <c>choices</c>) and <c>obfuscation</c>; Responses events carry <c>type</c> then
/// <c>sequence_number</c>; Anthropic's <c>ping</c> is written <c>{"type": "ping"}</c>, with a space.
/// </para>
/// </remarks>
internal static partial class ProviderWireWriter
{
    /// <summary>The content type of JSON answers.</summary>
    public const string JsonContentType = "application/json";

    /// <summary>The content type of streamed answers.</summary>
    public const string EventStreamContentType = "text/event-stream; charset=utf-8";

    private const string ObfuscationAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private static readonly JsonWriterOptions Compact = new() { SkipValidation = true };

    private static readonly JsonWriterOptions Indented = new() { Indented = true, IndentSize = 2, NewLine = "\n", SkipValidation = true };

    /// <summary>Writes the non-streamed JSON answer.</summary>
    public static void WriteJson(ProviderReply reply, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(reply);
        using var writer = new Utf8JsonWriter(output, reply.Api == LlmApi.Messages ? Compact : Indented);
        switch (reply.Api)
        {
            case LlmApi.ChatCompletions:
                WriteChatCompletion(writer, reply);
                break;
            case LlmApi.Responses:
                WriteResponseObject(writer, reply, ResponsePhase.Final);
                break;
            case LlmApi.Messages:
                WriteMessageObject(writer, reply, final: true);
                break;
            default:
                throw new ArgumentException($"No text answer format for {reply.Api}.", nameof(reply));
        }
    }

    /// <summary>The SSE frames of the streamed answer, one by one (each valid until the next is produced).</summary>
    public static IEnumerable<ReadOnlyMemory<byte>> StreamEvents(ProviderReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return reply.Api switch
        {
            LlmApi.ChatCompletions => ChatCompletionChunks(reply),
            LlmApi.Responses => ResponseEvents(reply),
            LlmApi.Messages => MessageEvents(reply),
            _ => throw new ArgumentException($"No stream format for {reply.Api}.", nameof(reply)),
        };
    }

    /// <summary>The non-streamed JSON answer, as a new array.</summary>
    public static byte[] ToJsonBytes(ProviderReply reply)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        WriteJson(reply, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The whole streamed answer, all frames concatenated, as a new array.</summary>
    public static byte[] ToStreamBytes(ProviderReply reply)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        foreach (ReadOnlyMemory<byte> frame in StreamEvents(reply))
        {
            buffer.Write(frame.Span);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes an <c>obfuscation</c> property: random-looking padding that evens out event sizes.</summary>
    /// <param name="writer">The event's writer.</param>
    /// <param name="seed">The reply's seed.</param>
    /// <param name="sequence">The event's position, so that each event pads differently.</param>
    /// <param name="payloadLength">The length of the delta text; the padding tops it up to a multiple of 16 characters.</param>
    private static void WriteObfuscation(Utf8JsonWriter writer, ulong seed, int sequence, int payloadLength)
    {
        ulong state = unchecked(seed + ((ulong)(uint)sequence * 0x9E3779B97F4A7C15UL));
        state = Mix(state);
        int length = payloadLength > 0 ? 16 - (payloadLength % 16) : 1 + (int)(state % 15);
        Span<byte> padding = stackalloc byte[16];
        for (int i = 0; i < length; i++)
        {
            state = Mix(state + (ulong)i);
            padding[i] = (byte)ObfuscationAlphabet[(int)(state % (ulong)ObfuscationAlphabet.Length)];
        }

        writer.WriteString("obfuscation"u8, padding[..length]);
    }

    private static ulong Mix(ulong value)
    {
        unchecked
        {
            value ^= value >> 33;
            value *= 0xFF51AFD7ED558CCDUL;
            value ^= value >> 33;
            value *= 0xC4CEB9FE1A85EC53UL;
            value ^= value >> 33;
            return value;
        }
    }

    /// <summary>Builds SSE frames in one reused buffer.</summary>
    private sealed class FrameBuffer
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(1024);
        private readonly Utf8JsonWriter _json;

        public FrameBuffer()
        {
            _json = new Utf8JsonWriter(_buffer, Compact);
        }

        /// <summary>Starts a frame: <c>event: name\n</c> (unless <paramref name="eventName"/> is empty) then <c>data: </c>.</summary>
        /// <returns>The writer for the data's JSON.</returns>
        public Utf8JsonWriter Begin(ReadOnlySpan<byte> eventName)
        {
            _buffer.ResetWrittenCount();
            if (!eventName.IsEmpty)
            {
                _buffer.Write("event: "u8);
                _buffer.Write(eventName);
                _buffer.Write("\n"u8);
            }

            _buffer.Write("data: "u8);
            _json.Reset(_buffer);
            return _json;
        }

        /// <summary>Starts a frame whose data is an object of the event's type: <c>event: type\n</c>, <c>data: {"type":"type"</c>.</summary>
        /// <returns>The writer, inside the object.</returns>
        public Utf8JsonWriter BeginEvent(ReadOnlySpan<byte> type)
        {
            Utf8JsonWriter writer = Begin(type);
            writer.WriteStartObject();
            writer.WriteString(WireJson.Type, type);
            return writer;
        }

        /// <summary>Closes the object <see cref="BeginEvent"/> opened and ends the frame.</summary>
        /// <returns>The frame's bytes, valid until the next <see cref="Begin"/>.</returns>
        public ReadOnlyMemory<byte> EndEvent()
        {
            _json.WriteEndObject();
            return End();
        }

        /// <summary>Ends the frame with its blank line.</summary>
        /// <returns>The frame's bytes, valid until the next <see cref="Begin"/>.</returns>
        public ReadOnlyMemory<byte> End()
        {
            _json.Flush();
            _buffer.Write("\n\n"u8);
            return _buffer.WrittenMemory;
        }

        /// <summary>A frame written as is.</summary>
        public ReadOnlyMemory<byte> Raw(ReadOnlySpan<byte> frame)
        {
            _buffer.ResetWrittenCount();
            _buffer.Write(frame);
            return _buffer.WrittenMemory;
        }
    }
}
