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
}
