namespace IronRuntime.Router;

/// <summary>What the router knows of model ids.</summary>
public static class LlmModels
{
    /// <summary>The provider a model id belongs to: an explicit <c>openai/</c> or <c>anthropic/</c> prefix, else the model family.</summary>
    /// <param name="model">A model id, for example <c>gpt-4o</c> or <c>anthropic/claude-sonnet-4-5</c>.</param>
    /// <returns>The provider, or <see cref="LlmProvider.Unknown"/>.</returns>
    public static LlmProvider ProviderOf(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Providers.ProviderDetector.DetectByModel(model, out _);
    }

    /// <summary>
    /// Whether a model is one of OpenAI's reasoning models (gpt-5 and the o-series: <c>o1</c>, <c>o3-mini</c>,
    /// <c>o4-mini</c>, …), with or without an <c>openai/</c> prefix. These bill reasoning tokens as output without
    /// streaming them, and some per-use tools are priced differently for them.
    /// </summary>
    /// <param name="model">A model id, for example <c>o3-mini</c> or <c>openai/gpt-5</c>.</param>
    /// <returns><see langword="true"/> for a reasoning model.</returns>
    public static bool IsReasoningModel(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ReadOnlySpan<char> id = model.StartsWith("openai/", StringComparison.OrdinalIgnoreCase) ? model.AsSpan("openai/".Length) : model;
        return id.StartsWith("gpt-5", StringComparison.OrdinalIgnoreCase)
               || (id.Length > 1 && id[0] is 'o' or 'O' && char.IsAsciiDigit(id[1]));
    }
}
