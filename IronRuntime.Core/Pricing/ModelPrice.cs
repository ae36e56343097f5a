using IronRuntime.Router;

namespace IronRuntime.Pricing;

/// <summary>
/// The per-token prices of one model, in US dollars per token.
/// </summary>
/// <remarks>
/// Prices are <see langword="decimal"/> end to end so that summing many small charges stays exact.
/// The optional rates fall back to the base rates when absent: cache reads and cache writes to
/// <see cref="InputPerToken"/>, reasoning to <see cref="OutputPerToken"/>.
/// </remarks>
public sealed partial record ModelPrice
{
    /// <summary>The price of one uncached prompt token, in USD.</summary>
    public required decimal InputPerToken { get; init; }

    /// <summary>The price of one generated token, in USD.</summary>
    public required decimal OutputPerToken { get; init; }

    /// <summary>
    /// The price of one prompt token read from the provider's cache, in USD, or <see langword="null"/>
    /// when cache reads cost <see cref="InputPerToken"/>.
    /// </summary>
    public decimal? CachedInputPerToken { get; init; }

    /// <summary>
    /// The price of one prompt token written to the provider's cache (the default, 5-minute lifetime), in USD,
    /// or <see langword="null"/> when cache writes cost <see cref="InputPerToken"/>.
    /// </summary>
    public decimal? CacheWritePerToken { get; init; }

    /// <summary>
    /// The price of one reasoning token, in USD, or <see langword="null"/> when reasoning costs
    /// <see cref="OutputPerToken"/>.
    /// </summary>
    public decimal? ReasoningPerToken { get; init; }

    /// <summary>The most tokens the model generates in one call, when known.</summary>
    public long? MaxOutputTokens { get; init; }

    /// <summary>The most prompt tokens the model accepts in one call, when known.</summary>
    public long? MaxInputTokens { get; init; }

    /// <summary>The provider the price belongs to, as the pricing map names it (LiteLLM's <c>litellm_provider</c>).</summary>
    public string? Provider { get; init; }

    /// <summary>
    /// Prices a call's usage.
    /// </summary>
    /// <remarks>
    /// A prompt of more than <see cref="LongContextThreshold"/> tokens is priced entirely at <see cref="LongContext"/>'s
    /// rates, as the providers bill it. Audio tokens, one-hour cache writes and server-tool uses are priced at their
    /// own rates when the price has them.
    /// Uncached prompt tokens (<see cref="TokenUsage.InputTokens"/> minus cached and cache-creation tokens)
    /// cost <see cref="InputPerToken"/>, cached ones <see cref="CachedInputPerToken"/>, cache-creation ones
    /// <see cref="CacheWritePerToken"/>; non-reasoning output tokens cost <see cref="OutputPerToken"/> and
    /// reasoning tokens <see cref="ReasoningPerToken"/>. A negative count, or a subset larger than its
    /// total, counts as zero rather than as a refund.
    /// </remarks>
    /// <param name="usage">The usage of the call.</param>
    /// <returns>The cost in USD.</returns>
    public decimal CostOf(TokenUsage usage) => CostOf(usage, WebSearchPerQuery);

    /// <summary>Prices a call's usage, its web searches at the price of <paramref name="searchContextSize"/>.</summary>
    /// <param name="usage">The usage of the call.</param>
    /// <param name="searchContextSize">The web search context size the request asked for (<see cref="WebSearchPerQueryAt"/>).</param>
    /// <returns>The cost in USD.</returns>
    public decimal CostOf(TokenUsage usage, string? searchContextSize) => CostOf(usage, WebSearchPerQueryAt(searchContextSize));

    private decimal CostOf(TokenUsage usage, decimal? perSearch) => ForPromptLength(usage.InputTokens).CostAtTheseRates(usage, perSearch);

    private decimal CostAtTheseRates(TokenUsage usage, decimal? perSearch)
    {
        decimal input = NonNegative(usage.InputTokens);
        decimal cached = NonNegative(usage.CachedInputTokens);
        decimal cacheCreation = NonNegative(usage.CacheCreationInputTokens);
        decimal output = NonNegative(usage.OutputTokens);
        decimal reasoning = NonNegative(usage.ReasoningTokens);

        decimal oneHour = Math.Min(cacheCreation, NonNegative(usage.CacheCreationOneHourInputTokens));
        decimal audioIn = NonNegative(usage.AudioInputTokens);
        decimal audioOut = NonNegative(usage.AudioOutputTokens);

        decimal uncached = Math.Max(0m, input - cached - cacheCreation);
        decimal uncachedAudio = Math.Min(audioIn, uncached);
        decimal plainOutput = Math.Max(0m, output - reasoning);
        decimal plainAudio = Math.Min(audioOut, plainOutput);

        // Most calls use two or three of the nine kinds: a kind without tokens adds nothing, so it is neither
        // multiplied nor added.
        decimal cost = 0m;
        Add(ref cost, uncached - uncachedAudio, InputPerToken);
        Add(ref cost, uncachedAudio, InputAudioPerToken ?? InputPerToken);
        Add(ref cost, cached, CachedInputPerToken ?? InputPerToken);
        Add(ref cost, cacheCreation - oneHour, CacheWritePerToken ?? InputPerToken);
        Add(ref cost, oneHour, CacheWriteOneHourPerToken ?? CacheWritePerToken ?? InputPerToken);
        Add(ref cost, plainOutput - plainAudio, OutputPerToken);
        Add(ref cost, plainAudio, OutputAudioPerToken ?? OutputPerToken);
        Add(ref cost, reasoning, ReasoningPerToken ?? OutputPerToken);
        Add(ref cost, NonNegative(usage.ServerToolUses), perSearch ?? 0m);
        return cost;
    }

    private static void Add(ref decimal cost, decimal tokens, decimal perToken)
    {
        if (tokens != 0m)
        {
            cost += tokens * perToken;
        }
    }

    /// <summary>
    /// The most a call can cost: every prompt token at the dearest input rate (uncached or cache write)
    /// and every output token at the dearest output rate (plain or reasoning).
    /// </summary>
    /// <param name="inputTokens">An upper bound of the prompt's tokens.</param>
    /// <param name="maxOutputTokens">The output-token limit of the call.</param>
    /// <returns>The upper bound of the cost in USD.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A token count is negative.</exception>
    public decimal WorstCaseCost(long inputTokens, long maxOutputTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(maxOutputTokens);

        decimal inputRate = Math.Max(InputPerToken, CacheWritePerToken ?? 0m);
        decimal outputRate = Math.Max(OutputPerToken, ReasoningPerToken ?? 0m);
        return (inputTokens * inputRate) + (maxOutputTokens * outputRate);
    }

    private static decimal NonNegative(long tokens) => tokens > 0 ? tokens : 0m;
}
