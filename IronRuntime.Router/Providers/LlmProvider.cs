namespace IronRuntime.Router;

/// <summary>An LLM provider whose wire formats the router speaks.</summary>
public enum LlmProvider
{
    /// <summary>The provider could not be determined.</summary>
    Unknown = 0,

    /// <summary>OpenAI (Chat Completions, Responses, Embeddings).</summary>
    OpenAI = 1,

    /// <summary>Anthropic (Messages).</summary>
    Anthropic = 2,
}
