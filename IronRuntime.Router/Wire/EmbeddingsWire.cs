namespace IronRuntime.Router.Wire;

/// <summary>
/// OpenAI Embeddings on the wire (<c>POST /v1/embeddings</c>): never streamed; its <c>usage</c> has the Chat
/// Completions shape (<c>prompt_tokens</c>, <c>total_tokens</c>), and no text comes back to filter.
/// </summary>
internal static class EmbeddingsWire
{
    /// <summary>The route, relative to the provider's base address.</summary>
    public const string Route = "v1/embeddings";

    /// <summary>The text (a string or an array of strings) or tokens (an array of integers, or of arrays) to embed.</summary>
    public static ReadOnlySpan<byte> Input => "input"u8;

    /// <summary><c>float</c> (default) or <c>base64</c>.</summary>
    public static ReadOnlySpan<byte> EncodingFormat => "encoding_format"u8;

    /// <summary>The size of each vector, for models that allow fewer.</summary>
    public static ReadOnlySpan<byte> Dimensions => "dimensions"u8;
}
