using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using IronRuntime.Router.Wire;

namespace IronRuntime.Router.Simulation;

internal static partial class ProviderWireWriter
{
    /// <summary>Writes an Embeddings answer: a <c>list</c> of <c>embedding</c> objects and the usage.</summary>
    public static void WriteEmbeddings(EmbeddingsReply reply, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(reply);
        using var writer = new Utf8JsonWriter(output, Indented);
        writer.WriteStartObject();
        writer.WriteString("object"u8, "list"u8);
        writer.WriteStartArray("data"u8);
        for (int i = 0; i < reply.Vectors.Count; i++)
        {
            writer.WriteStartObject();
            writer.WriteString("object"u8, "embedding"u8);
            writer.WriteNumber(WireJson.Index, i);
            float[] vector = reply.Vectors[i];
            if (reply.Base64)
            {
                ProviderJson.WriteString(writer, "embedding"u8, ToBase64(vector));
            }
            else
            {
                writer.WriteStartArray("embedding"u8);
                foreach (float value in vector)
                {
                    writer.WriteNumberValue(value);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        ProviderJson.WriteString(writer, WireJson.Model, reply.Model);
        writer.WriteStartObject(WireJson.Usage);
        writer.WriteNumber("prompt_tokens"u8, reply.PromptTokens);
        writer.WriteNumber("total_tokens"u8, reply.PromptTokens);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>The Embeddings answer, as a new array.</summary>
    public static byte[] ToJsonBytes(EmbeddingsReply reply)
    {
        var buffer = new ArrayBufferWriter<byte>(8192);
        WriteEmbeddings(reply, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static string ToBase64(float[] vector)
    {
        byte[] bytes = ArrayPool<byte>.Shared.Rent(vector.Length * sizeof(float));
        try
        {
            for (int i = 0; i < vector.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
            }

            return Convert.ToBase64String(bytes, 0, vector.Length * sizeof(float));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
