using System.Diagnostics.Metrics;
using IronRuntime.Agents;
using IronRuntime.Router;

namespace IronRuntime.Pii.Internal;

/// <summary>Counts detections: per agent in <see cref="AgentMetrics.PiiDetections"/>, and per entity type and direction on the <c>IronRuntime</c> meter.</summary>
internal sealed class PiiMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "IronRuntime";

    /// <summary>The counter's name.</summary>
    public const string DetectionsName = "ironruntime.pii.detections";

    private readonly AgentMetricsCollector _agents;
    private readonly Counter<long> _detections;

    public PiiMetrics(AgentMetricsCollector agents, IMeterFactory meterFactory)
    {
        _agents = agents;
        Meter meter = meterFactory.Create(MeterName);
        _detections = meter.CreateCounter<long>(DetectionsName, "{detection}", "Personal data and secrets detected in LLM traffic, by entity type and direction.");
    }

    public void Add(string? agentId, string entityType, LlmContentDirection direction)
    {
        _agents.AddPiiDetection(agentId, entityType);
        if (_detections.Enabled)
        {
            _detections.Add(1, new KeyValuePair<string, object?>("pii.entity_type", entityType), new KeyValuePair<string, object?>("pii.direction", direction == LlmContentDirection.Request ? "request" : "response"));
        }
    }
}
