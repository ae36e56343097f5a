namespace IronRuntime.Router.Requests;

internal static partial class LlmRequestReader
{
    /// <summary>The top-level members the reader acts on.</summary>
    private enum Member : byte
    {
        Other,
        Model,
        Stream,
        StreamOptions,
        MaxTokens,
        Choices,
        ServiceTier,
        Thinking,
        Tools,
        Modalities,
        Audio,
        MaxToolCalls,
        WebSearchOptions,
        Unbounded,
    }

    /// <summary>The nested member names the reader acts on.</summary>
    private enum Nested : byte
    {
        Other,
        Type,
        IncludeUsage,
        BudgetTokens,
        MaxUses,
        SearchContextSize,
        Ttl,
        Container,
        MemoryLimit,
    }
}
