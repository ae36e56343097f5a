namespace IronRuntime.Router.Usage;

/// <summary>
/// Which models generate output the client never sees: OpenAI's reasoning models (the o-series and gpt-5) think in
/// tokens they bill as output but do not stream, on Chat Completions and Responses alike.
/// </summary>
internal static class HiddenReasoning
{
    /// <summary>Whether a call to <paramref name="model"/> on <paramref name="api"/> may bill output tokens nobody saw.</summary>
    public static bool May(LlmApi api, string model)
        => api is LlmApi.ChatCompletions or LlmApi.Responses && LlmModels.IsReasoningModel(model);
}
