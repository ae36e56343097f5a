namespace IronRuntime.Router.Translation;

/// <summary>Maps Anthropic <c>stop_reason</c> and OpenAI <c>finish_reason</c> onto each other.</summary>
internal static class StopReasons
{
    /// <summary>The OpenAI <c>finish_reason</c> of an Anthropic <c>stop_reason</c>.</summary>
    public static string ToChat(string? stopReason) => stopReason switch
    {
        "max_tokens" or "model_context_window_exceeded" => "length",
        "tool_use" => "tool_calls",
        "refusal" => "content_filter",
        _ => "stop", // end_turn, stop_sequence, pause_turn
    };

    /// <summary>The Anthropic <c>stop_reason</c> of an OpenAI <c>finish_reason</c>.</summary>
    public static string ToAnthropic(string? finishReason) => finishReason switch
    {
        "length" => "max_tokens",
        "tool_calls" or "function_call" => "tool_use",
        "content_filter" => "refusal",
        _ => "end_turn",
    };
}
