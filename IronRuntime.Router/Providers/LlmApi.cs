namespace IronRuntime.Router;

/// <summary>The provider API (and so the wire format) of a call.</summary>
public enum LlmApi
{
    /// <summary>Not a known LLM API route.</summary>
    Unknown = 0,

    /// <summary>OpenAI <c>POST /v1/chat/completions</c>.</summary>
    ChatCompletions = 1,

    /// <summary>OpenAI <c>POST /v1/responses</c>.</summary>
    Responses = 2,

    /// <summary>OpenAI <c>POST /v1/embeddings</c>.</summary>
    Embeddings = 3,

    /// <summary>Anthropic <c>POST /v1/messages</c>.</summary>
    Messages = 4,
}
