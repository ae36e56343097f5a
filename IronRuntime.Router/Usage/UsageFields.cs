namespace IronRuntime.Router.Usage;

/// <summary>Which counters a <c>usage</c> object actually carried.</summary>
[Flags]
internal enum UsageFields
{
    /// <summary>No counter.</summary>
    None = 0,

    /// <summary>The prompt counter (<c>prompt_tokens</c> or <c>input_tokens</c>).</summary>
    Input = 1,

    /// <summary>The generated-token counter (<c>completion_tokens</c> or <c>output_tokens</c>).</summary>
    Output = 2,

    /// <summary>Prompt tokens read from the cache.</summary>
    CachedInput = 4,

    /// <summary>Prompt tokens written to the cache (Anthropic).</summary>
    CacheCreation = 8,

    /// <summary>Reasoning tokens.</summary>
    Reasoning = 16,

    /// <summary>Prompt tokens written to the one-hour cache (Anthropic <c>cache_creation.ephemeral_1h_input_tokens</c>).</summary>
    CacheCreationOneHour = 32,

    /// <summary>Audio prompt tokens (OpenAI <c>*_tokens_details.audio_tokens</c>).</summary>
    AudioInput = 64,

    /// <summary>Generated audio tokens.</summary>
    AudioOutput = 128,

    /// <summary>Server-tool uses (Anthropic <c>server_tool_use.web_search_requests</c>).</summary>
    ServerToolUses = 256,
}
