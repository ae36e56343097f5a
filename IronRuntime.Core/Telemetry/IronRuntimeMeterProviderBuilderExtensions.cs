using IronRuntime.Telemetry;

namespace OpenTelemetry.Metrics;

/// <summary>Subscribes an OpenTelemetry meter provider to IronRuntime's metrics.</summary>
public static class IronRuntimeMeterProviderBuilderExtensions
{
    /// <summary>
    /// Adds the <c>IronRuntime</c> meter: <c>gen_ai.client.token.usage</c> and <c>gen_ai.client.operation.duration</c>
    /// (with the GenAI conventions' bucket boundaries as advice), and <c>ironruntime.llm.calls</c>,
    /// <c>ironruntime.llm.cost</c>, <c>ironruntime.budget.spend</c> / <c>.reserved</c> / <c>.limit</c> (gauges per agent),
    /// <c>ironruntime.budget.denials</c>, <c>ironruntime.provider.state_changes</c>, <c>ironruntime.pii.detections</c>
    /// and <c>ironruntime.stream.timeouts</c>.
    /// </summary>
    /// <param name="builder">The meter provider builder.</param>
    /// <returns>The builder.</returns>
    public static MeterProviderBuilder AddIronRuntimeInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(IronRuntimeTelemetry.MeterName);
    }
}
