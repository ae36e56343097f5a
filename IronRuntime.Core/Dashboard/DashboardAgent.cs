using System.Text.Json.Serialization;
using IronRuntime.Agents;

namespace IronRuntime.Dashboard;

/// <summary>An agent as the dashboard's <c>/agents</c> endpoints describe it: a live one with its metrics, or a past run.</summary>
/// <param name="AgentId">The agent's id.</param>
/// <param name="Name">Its display name.</param>
/// <param name="Kind">Process or in-process.</param>
/// <param name="Status">Its (last) status.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="EndedAt">When it ended, if it has.</param>
/// <param name="ExitCode">A process agent's exit code, once it exited.</param>
/// <param name="Fault">The message of the failure that ended it, if any.</param>
internal sealed record DashboardAgent(string AgentId, string Name, string Kind, string Status, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, int? ExitCode, string? Fault)
{
    /// <summary>A past run only: whether an earlier runtime ended while the run had not.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Interrupted { get; init; }

    /// <summary>A live agent only: its calls, tokens and cost.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AgentMetrics? Metrics { get; init; }

    /// <summary>A past run, as the state store recorded it.</summary>
    public static DashboardAgent Of(AgentRunRecord run)
        => new(run.AgentId, run.Name, run.Kind.ToString(), run.Status.ToString(), run.StartedAt, run.EndedAt, run.ExitCode, run.Fault) { Interrupted = run.Interrupted };

    /// <summary>A live agent, with its metrics.</summary>
    public static DashboardAgent Of(AgentRuntime runtime, AgentHandle agent)
        => new(agent.AgentId, agent.Name, agent.Kind.ToString(), agent.Status.ToString(), agent.StartedAt, agent.EndedAt, agent.ExitCode, agent.Fault?.Message) { Metrics = runtime.GetMetrics(agent.AgentId) };
}
