namespace IronRuntime.Router.Usage;

/// <summary>The shape of a provider's <c>usage</c> object.</summary>
internal enum UsageDialect
{
    /// <summary>OpenAI Chat Completions and Embeddings: <c>prompt_tokens</c>, <c>completion_tokens</c>, <c>*_tokens_details</c>.</summary>
    OpenAIChat = 0,

    /// <summary>OpenAI Responses: <c>input_tokens</c>, <c>output_tokens</c>, <c>*_tokens_details</c>.</summary>
    OpenAIResponses = 1,

    /// <summary>Anthropic Messages: <c>input_tokens</c>, <c>cache_read_input_tokens</c>, <c>cache_creation_input_tokens</c>, <c>output_tokens</c>.</summary>
    Anthropic = 2,
}
