namespace IronRuntime.Router;

/// <summary>A tool the provider runs and bills per use, as a request declares it.</summary>
/// <param name="Type">The tool's <c>type</c> as sent, such as <c>web_search_20250305</c> or <c>web_search</c>.</param>
/// <param name="MaxUses">The tool's own use limit (<c>max_uses</c>), or <see langword="null"/> when it sets none.</param>
/// <param name="Param">Where the tool is in the request, such as <c>tools[2]</c>, for error messages.</param>
/// <param name="SearchContextSize">OpenAI web search's <c>search_context_size</c>, when set.</param>
public sealed record LlmServerTool(string Type, long? MaxUses, string Param, string? SearchContextSize = null)
{
    /// <summary>
    /// OpenAI code interpreter's <c>container.memory_limit</c> as sent (<c>1g</c>, <c>4g</c>, <c>16g</c>, <c>64g</c>),
    /// or <see langword="null"/> when the tool sets none (a 1 GB container).
    /// </summary>
    public string? ContainerMemoryLimit { get; init; }

    /// <summary>
    /// Whether OpenAI code interpreter's <c>container</c> is a string: the id of a container created elsewhere, whose
    /// memory size the request does not tell.
    /// </summary>
    public bool UsesExistingContainer { get; init; }
}
