using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace IronRuntime.Router.Simulation;

/// <summary>Deterministic unit vectors standing in for embeddings: the same input always gets the same vector.</summary>
internal static class EmbeddingVectors
{
    /// <summary>The model's default dimension count: 3072 for <c>text-embedding-3-large</c>, 1536 otherwise.</summary>
    public static int DefaultDimensions(string model) =>
        model.StartsWith("text-embedding-3-large", StringComparison.Ordinal) ? 3072 : 1536;

    /// <summary>A unit vector of <paramref name="dimensions"/> components derived from <paramref name="input"/> (or its position, for a pre-tokenized input).</summary>
    public static float[] Create(string? input, int index, int dimensions)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        if (input is null)
        {
            Span<byte> position = stackalloc byte[sizeof(int)];
            BinaryPrimitives.WriteInt32LittleEndian(position, index);
            SHA256.HashData(position, hash);
        }
        else
        {
            SHA256.HashData(Encoding.UTF8.GetBytes(input), hash);
        }

        ulong state = BinaryPrimitives.ReadUInt64LittleEndian(hash) | 1;
        var vector = new float[dimensions];
        double sumOfSquares = 0;
        for (int i = 0; i < vector.Length; i++)
        {
            // xorshift64*: uniform in [-1, 1).
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            ulong bits = unchecked(state * 0x2545F4914F6CDD1DUL);
            double value = ((bits >> 11) * (1.0 / (1UL << 53)) * 2.0) - 1.0;
            vector[i] = (float)value;
            sumOfSquares += value * value;
        }

        float scale = (float)(1.0 / Math.Sqrt(sumOfSquares));
        for (int i = 0; i < vector.Length; i++)
        {
            vector[i] *= scale;
        }

        return vector;
    }
}
