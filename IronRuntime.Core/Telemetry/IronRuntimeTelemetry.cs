namespace IronRuntime.Telemetry;

/// <summary>
/// The names under which IronRuntime reports traces and metrics, for OpenTelemetry (<c>AddSource</c> / <c>AddMeter</c>,
/// or <c>AddIronRuntimeInstrumentation()</c>) or any <see cref="System.Diagnostics.ActivityListener"/> /
/// <see cref="System.Diagnostics.Metrics.MeterListener"/>.
/// </summary>
/// <remarks>
/// Spans (<c>chat {model}</c>, client kind) and the <c>gen_ai.client.token.usage</c> ({token}) and
/// <c>gen_ai.client.operation.duration</c> (s) histograms follow the OpenTelemetry GenAI semantic conventions; the
/// runtime's own instruments are named <c>ironruntime.*</c>. docs/telemetry.md lists them all with their attributes.
/// </remarks>
public static class IronRuntimeTelemetry
{
    /// <summary>The name of the runtime's <see cref="System.Diagnostics.ActivitySource"/>.</summary>
    public const string ActivitySourceName = GenAiInstruments.MeterName;

    /// <summary>The name of the runtime's <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string MeterName = GenAiInstruments.MeterName;
}
