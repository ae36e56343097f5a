using IronRuntime.Telemetry;

namespace OpenTelemetry.Trace;

/// <summary>Subscribes an OpenTelemetry tracer provider to IronRuntime's spans.</summary>
public static class IronRuntimeTracerProviderBuilderExtensions
{
    /// <summary>
    /// Adds the <c>IronRuntime</c> activity source: one client span per LLM call, from the router (wire-level calls of
    /// agents, SDKs and <c>GetChatClient</c> clients) and from the <c>UseIronRuntime()</c> chat-client middleware, tagged
    /// with the GenAI semantic conventions (<c>gen_ai.operation.name</c>, <c>gen_ai.provider.name</c>,
    /// <c>gen_ai.request.model</c>, <c>gen_ai.response.model</c>, <c>gen_ai.usage.*</c>, <c>error.type</c>).
    /// </summary>
    /// <param name="builder">The tracer provider builder.</param>
    /// <returns>The builder.</returns>
    public static TracerProviderBuilder AddIronRuntimeInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(IronRuntimeTelemetry.ActivitySourceName);
    }
}
