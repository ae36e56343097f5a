using System.Security.Cryptography;
using System.Text;

namespace IronRuntime.Tests.Fakes;

/// <summary>Deterministic unit vectors for the fake's Embeddings answers.</summary>
internal static class FakeVectors
{
    /// <summary>OpenAI's default sizes: 3072 for <c>text-embedding-3-large</c>, 1536 for the others.</summary>
    public static int DefaultDimensions(string model) => model.StartsWith("text-embedding-3-large", StringComparison.Ordinal) ? 3072 : 1536;

    /// <summary>A unit vector seeded by the input text (or its position when the input is tokens).</summary>
    public static float[] Create(string? input, int index, int dimensions)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(input ?? "#" + index));
        var random = new Random(BitConverter.ToInt32(hash, 0));
        var vector = new float[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
            norm += vector[i] * (double)vector[i];
        }

        float scale = (float)(1 / Math.Sqrt(norm));
        for (int i = 0; i < dimensions; i++)
        {
            vector[i] *= scale;
        }

        return vector;
    }
}
