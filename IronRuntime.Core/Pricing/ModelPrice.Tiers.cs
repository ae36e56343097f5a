namespace IronRuntime.Pricing;

public sealed partial record ModelPrice
{
    /// <summary>The price of one prompt token written to the one-hour cache, in USD, when it differs from the 5-minute one.</summary>
    public decimal? CacheWriteOneHourPerToken { get; init; }

    /// <summary>The price of one audio prompt token, in USD, or <see langword="null"/> when audio costs <see cref="InputPerToken"/>.</summary>
    public decimal? InputAudioPerToken { get; init; }

    /// <summary>The price of one generated audio token, in USD, or <see langword="null"/> when audio costs <see cref="OutputPerToken"/>.</summary>
    public decimal? OutputAudioPerToken { get; init; }

    /// <summary>The price of one web search (the dearest search context size), in USD, when the model offers one.</summary>
    public decimal? WebSearchPerQuery { get; init; }

    /// <summary>The price of one web search with <c>search_context_size</c> <c>low</c>, in USD, when the table has it.</summary>
    public decimal? WebSearchLowContextPerQuery { get; init; }

    /// <summary>The price of one web search with <c>search_context_size</c> <c>medium</c> (OpenAI's default), in USD, when the table has it.</summary>
    public decimal? WebSearchMediumContextPerQuery { get; init; }

    /// <summary>The price of one web search with <c>search_context_size</c> <c>high</c>, in USD, when the table has it.</summary>
    public decimal? WebSearchHighContextPerQuery { get; init; }

    /// <summary>
    /// The price of one web search at a search context size (<c>low</c>, <c>medium</c>, <c>high</c>; absent means
    /// <c>medium</c>, OpenAI's default), falling back to <see cref="WebSearchPerQuery"/> when the table has no price
    /// for that size.
    /// </summary>
    /// <param name="searchContextSize">The size the request asked for, or <see langword="null"/>.</param>
    /// <returns>The price in USD, or <see langword="null"/> when the model has no web search price.</returns>
    public decimal? WebSearchPerQueryAt(string? searchContextSize) => searchContextSize switch
    {
        "low" => WebSearchLowContextPerQuery ?? WebSearchPerQuery,
        "high" => WebSearchHighContextPerQuery ?? WebSearchPerQuery,
        _ => WebSearchMediumContextPerQuery ?? WebSearchPerQuery,
    };

    /// <summary>The rates of the <c>priority</c> service tier, when the model has one.</summary>
    public ModelPrice? Priority { get; init; }

    /// <summary>The rates of the <c>flex</c> service tier, when the model has one.</summary>
    public ModelPrice? Flex { get; init; }

    /// <summary>Prompts of more tokens than this are priced entirely at <see cref="LongContext"/>; null for none.</summary>
    public long? LongContextThreshold { get; init; }

    /// <summary>The rates of a prompt longer than <see cref="LongContextThreshold"/>.</summary>
    public ModelPrice? LongContext { get; init; }

    /// <summary>The rates of a service tier: <c>priority</c> and <c>flex</c> when the model has them, else these.</summary>
    /// <param name="serviceTier">The tier as the request or the response names it; null for the default.</param>
    /// <returns>The tier's price.</returns>
    public ModelPrice ForServiceTier(string? serviceTier) => serviceTier switch
    {
        "priority" when Priority is not null => Priority,
        "flex" when Flex is not null => Flex,
        _ => this,
    };

    /// <summary>The rates that apply to a prompt of <paramref name="inputTokens"/> tokens (long-context or these).</summary>
    /// <param name="inputTokens">The prompt's tokens, or an upper bound of them.</param>
    /// <returns>The price for that prompt length.</returns>
    public ModelPrice ForPromptLength(long inputTokens)
        => LongContextThreshold is { } threshold && inputTokens > threshold && LongContext is { } longContext ? longContext : this;
}
