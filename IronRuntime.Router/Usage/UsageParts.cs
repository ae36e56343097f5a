using System.Diagnostics.CodeAnalysis;

namespace IronRuntime.Router.Usage;

/// <summary>
/// The counters of one provider <c>usage</c> object as the provider wrote them, with which ones were present.
/// </summary>
/// <remarks>
/// For <see cref="UsageDialect.Anthropic"/>, <see cref="Input"/> is Anthropic's <c>input_tokens</c> (the uncached
/// part only); <see cref="ToTokenUsage"/> adds the cache counters to it as <see cref="TokenUsage"/> requires.
/// </remarks>
internal struct UsageParts
{
    /// <summary>The prompt counter as written.</summary>
    public long Input;

    /// <summary>The generated-token counter as written.</summary>
    public long Output;

    /// <summary>Prompt tokens read from the cache.</summary>
    public long CachedInput;

    /// <summary>Prompt tokens written to the cache.</summary>
    public long CacheCreation;

    /// <summary>Reasoning tokens.</summary>
    public long Reasoning;

    /// <summary>Prompt tokens written to the one-hour cache.</summary>
    public long CacheCreationOneHour;

    /// <summary>Audio prompt tokens.</summary>
    public long AudioInput;

    /// <summary>Generated audio tokens.</summary>
    public long AudioOutput;

    /// <summary>Server-tool uses billed per use.</summary>
    public long ServerToolUses;

    /// <summary>Other billed tool uses by kind (Responses output items), or null when there is none.</summary>
    public Dictionary<string, long>? ToolUses;

    /// <summary>The counters that were present (and numeric).</summary>
    public UsageFields Present;

    /// <summary>Overwrites this instance's counters with those present in <paramref name="later"/>.</summary>
    /// <param name="later">A later usage object of the same call (for example Anthropic's <c>message_delta</c>).</param>
    public void Update(UsageParts later)
    {
        for (var field = UsageFields.Input; field <= UsageFields.ServerToolUses; field = (UsageFields)((int)field << 1))
        {
            if ((later.Present & field) != 0)
            {
                Counter(field) = later.Counter(field);
            }
        }

        if (later.ToolUses is not null)
        {
            ToolUses = later.ToolUses;
        }

        Present |= later.Present;
    }

    /// <summary>The counter that <paramref name="field"/> (a single flag) names.</summary>
    /// <param name="field">One counter's flag.</param>
    /// <returns>A reference to the counter.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="field"/> is not a single counter's flag.</exception>
    [UnscopedRef]
    public ref long Counter(UsageFields field)
    {
        switch (field)
        {
            case UsageFields.Input:
                return ref Input;
            case UsageFields.Output:
                return ref Output;
            case UsageFields.CachedInput:
                return ref CachedInput;
            case UsageFields.CacheCreation:
                return ref CacheCreation;
            case UsageFields.Reasoning:
                return ref Reasoning;
            case UsageFields.CacheCreationOneHour:
                return ref CacheCreationOneHour;
            case UsageFields.AudioInput:
                return ref AudioInput;
            case UsageFields.AudioOutput:
                return ref AudioOutput;
            case UsageFields.ServerToolUses:
                return ref ServerToolUses;
            default:
                throw new ArgumentOutOfRangeException(nameof(field), field, "Not a single counter.");
        }
    }

    /// <summary>Normalises the counters to a <see cref="TokenUsage"/>.</summary>
    /// <param name="dialect">The dialect the counters were read in.</param>
    /// <returns>The usage, with <see cref="TokenUsage.InputTokens"/> counting every prompt token.</returns>
    public readonly TokenUsage ToTokenUsage(UsageDialect dialect) => dialect == UsageDialect.Anthropic
        ? new TokenUsage(Input + CachedInput + CacheCreation, Output, CachedInput, CacheCreation, Reasoning, CacheCreationOneHour, AudioInput, AudioOutput, ServerToolUses, ToolUses)
        : new TokenUsage(Input, Output, CachedInput, CacheCreation, Reasoning, CacheCreationOneHour, AudioInput, AudioOutput, ServerToolUses, ToolUses);
}
