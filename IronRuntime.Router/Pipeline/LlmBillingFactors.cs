namespace IronRuntime.Router;

/// <summary>
/// What in a request can raise its bill beyond "prompt tokens × input price + output tokens × output price", as the
/// router read it from the body. A request gate that reserves money bounds each of these (see docs/budgets.md).
/// </summary>
public sealed class LlmBillingFactors
{
    internal static readonly LlmBillingFactors None = new();

    internal LlmBillingFactors()
    {
    }

    /// <summary>How many choices the provider generates (Chat Completions <c>n</c>); each is billed its output.</summary>
    public int Choices { get; internal set; } = 1;

    /// <summary>The requested <c>service_tier</c> (<c>priority</c>, <c>flex</c>, <c>auto</c>…), or <see langword="null"/>.</summary>
    public string? ServiceTier { get; internal set; }

    /// <summary>Anthropic <c>thinking.budget_tokens</c>, or <see langword="null"/>.</summary>
    public long? ThinkingBudgetTokens { get; internal set; }

    /// <summary>Whether the prompt carries audio (<c>input_audio</c> parts).</summary>
    public bool HasAudioInput { get; internal set; }

    /// <summary>Whether the request asks for audio output (<c>modalities</c> with <c>audio</c>, or an <c>audio</c> member).</summary>
    public bool RequestsAudioOutput { get; internal set; }

    /// <summary>Whether a <c>cache_control</c> asks for the one-hour cache lifetime (<c>"ttl":"1h"</c>).</summary>
    public bool UsesOneHourCache { get; internal set; }

    /// <summary>Responses <c>max_tool_calls</c>: the most built-in tool calls of the response, or <see langword="null"/>.</summary>
    public long? MaxToolCalls { get; internal set; }

    /// <summary>
    /// Tools the provider runs itself and bills per use (web search, file search, code execution, web fetch…), with
    /// the type the request names and the use limit it sets (<c>max_uses</c>), if any.
    /// </summary>
    public IReadOnlyList<LlmServerTool> ServerTools { get; internal set; } = [];

    /// <summary>
    /// Members whose cost nothing in the request bounds (for example <c>background</c>, <c>previous_response_id</c>,
    /// <c>prediction</c>, <c>mcp_servers</c>), as JSON member names; empty when there is none.
    /// </summary>
    public IReadOnlyList<string> UnboundedMembers { get; internal set; } = [];
}
