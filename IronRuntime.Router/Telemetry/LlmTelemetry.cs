namespace IronRuntime.Router;

/// <summary>The names the router's traces use, for metrics and events that should match them.</summary>
public static class LlmTelemetry
{
    /// <summary>The name of the router's <c>ActivitySource</c> (and of the runtime's <c>Meter</c>): <c>IronRuntime</c>.</summary>
    public const string SourceName = "IronRuntime";

    /// <summary>The OpenTelemetry GenAI operation name (<c>gen_ai.operation.name</c>) of an API.</summary>
    /// <param name="api">The API.</param>
    /// <returns><c>chat</c>, <c>embeddings</c> or <c>generate_content</c>.</returns>
    public static string OperationName(LlmApi api) => api switch
    {
        LlmApi.Embeddings => "embeddings",
        LlmApi.Responses => "generate_content",
        _ => "chat",
    };

    /// <summary>The OpenTelemetry GenAI provider name (<c>gen_ai.provider.name</c>).</summary>
    /// <param name="provider">The provider.</param>
    /// <returns><c>openai</c>, <c>anthropic</c> or <c>unknown</c>.</returns>
    public static string ProviderName(LlmProvider provider) => provider switch
    {
        LlmProvider.OpenAI => "openai",
        LlmProvider.Anthropic => "anthropic",
        _ => "unknown",
    };
}
