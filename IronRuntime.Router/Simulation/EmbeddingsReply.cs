namespace IronRuntime.Router.Simulation;

/// <summary>Everything needed to write an Embeddings answer.</summary>
internal sealed class EmbeddingsReply
{
    /// <summary>The model, as requested.</summary>
    public required string Model { get; init; }

    /// <summary>One vector per input, in order.</summary>
    public required IReadOnlyList<float[]> Vectors { get; init; }

    /// <summary>Write each vector as base64 of little-endian float32 (<c>encoding_format: "base64"</c>) instead of a number array.</summary>
    public bool Base64 { get; init; }

    /// <summary>The prompt tokens to report.</summary>
    public required long PromptTokens { get; init; }
}
