namespace IronRuntime.Router;

/// <summary>A tool the provider runs and bills per use, as a request declares it.</summary>
/// <param name="Type">The tool's <c>type</c> as sent, such as <c>web_search_20250305</c> or <c>web_search</c>.</param>
/// <param name="MaxUses">The tool's own use limit (<c>max_uses</c>), or <see langword="null"/> when it sets none.</param>
/// <param name="Param">Where the tool is in the request, such as <c>tools[2]</c>, for error messages.</param>
/// <param name="SearchContextSize">OpenAI web search's <c>search_context_size</c>, when set.</param>
public sealed record LlmServerTool(string Type, long? MaxUses, string Param, string? SearchContextSize = null);
