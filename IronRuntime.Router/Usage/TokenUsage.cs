namespace IronRuntime.Router;

/// <summary>
/// Token usage of one call, normalised across providers.
/// </summary>
/// <remarks>
/// <see cref="InputTokens"/> counts every prompt token, whatever rate it is billed at:
/// OpenAI's <c>prompt_tokens</c>/<c>input_tokens</c>, or Anthropic's
/// <c>input_tokens + cache_read_input_tokens + cache_creation_input_tokens</c>.
/// <see cref="CachedInputTokens"/> (read from the prompt cache) and <see cref="CacheCreationInputTokens"/>
/// (written to it) are subsets of it. <see cref="OutputTokens"/> includes <see cref="ReasoningTokens"/>.
/// </remarks>
/// <param name="InputTokens">All prompt tokens.</param>
/// <param name="OutputTokens">All generated tokens, reasoning included.</param>
/// <param name="CachedInputTokens">Prompt tokens read from the provider's cache.</param>
/// <param name="CacheCreationInputTokens">Prompt tokens written to the provider's cache.</param>
/// <param name="ReasoningTokens">Generated tokens spent on reasoning.</param>
/// <param name="CacheCreationOneHourInputTokens">The part of <paramref name="CacheCreationInputTokens"/> written to the one-hour cache.</param>
/// <param name="AudioInputTokens">The audio part of <paramref name="InputTokens"/>.</param>
/// <param name="AudioOutputTokens">The audio part of <paramref name="OutputTokens"/>.</param>
/// <param name="ServerToolUses">Uses of tools the provider runs and bills per use (for example web searches).</param>
/// <param name="ToolUses">
/// Other billed uses of tools the provider runs, by kind, as the answer reports them (Responses output items):
/// <c>file_search</c> (one per <c>file_search_call</c>), <c>code_interpreter</c> (one per container the
/// <c>code_interpreter_call</c> items ran in), <c>image_generation.{quality}.{size}</c> (one per
/// <c>image_generation_call</c>; <c>image_generation</c> when the item names no size or quality);
/// <see langword="null"/> when there is none.
/// </param>
public readonly record struct TokenUsage(
    long InputTokens,
    long OutputTokens,
    long CachedInputTokens = 0,
    long CacheCreationInputTokens = 0,
    long ReasoningTokens = 0,
    long CacheCreationOneHourInputTokens = 0,
    long AudioInputTokens = 0,
    long AudioOutputTokens = 0,
    long ServerToolUses = 0,
    IReadOnlyDictionary<string, long>? ToolUses = null)
{
    /// <summary>Input plus output tokens.</summary>
    public long TotalTokens => InputTokens + OutputTokens;

    /// <summary>Whether no token at all was counted.</summary>
    public bool IsEmpty => InputTokens == 0 && OutputTokens == 0;

    /// <summary>Adds two usages field by field.</summary>
    public static TokenUsage operator +(TokenUsage left, TokenUsage right) => new(
        left.InputTokens + right.InputTokens,
        left.OutputTokens + right.OutputTokens,
        left.CachedInputTokens + right.CachedInputTokens,
        left.CacheCreationInputTokens + right.CacheCreationInputTokens,
        left.ReasoningTokens + right.ReasoningTokens,
        left.CacheCreationOneHourInputTokens + right.CacheCreationOneHourInputTokens,
        left.AudioInputTokens + right.AudioInputTokens,
        left.AudioOutputTokens + right.AudioOutputTokens,
        left.ServerToolUses + right.ServerToolUses,
        MergeToolUses(left.ToolUses, right.ToolUses));

    /// <summary>Adds two usages field by field.</summary>
    public static TokenUsage Add(TokenUsage left, TokenUsage right) => left + right;

    private static IReadOnlyDictionary<string, long>? MergeToolUses(IReadOnlyDictionary<string, long>? left, IReadOnlyDictionary<string, long>? right)
    {
        if (left is null || left.Count == 0)
        {
            return right;
        }

        if (right is null || right.Count == 0)
        {
            return left;
        }

        var sum = new Dictionary<string, long>(left, StringComparer.Ordinal);
        foreach (var (kind, count) in right)
        {
            sum[kind] = sum.GetValueOrDefault(kind) + count;
        }

        return sum;
    }
}
