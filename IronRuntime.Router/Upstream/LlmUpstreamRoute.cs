namespace IronRuntime.Router;

/// <summary>The ordered targets of a call, and the models other than the call's own that may answer (what a gate must also cover).</summary>
public sealed class LlmUpstreamRoute
{
    /// <summary>Creates a route.</summary>
    /// <param name="targets">The targets, in the order they are tried; at least one.</param>
    /// <param name="callModel">The call's own model, or null for a route shared by every model.</param>
    public LlmUpstreamRoute(IReadOnlyList<LlmUpstreamTarget> targets, string? callModel)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfZero(targets.Count);
        Targets = targets;
        FallbackModels = targets.Count == 1 && targets[0].Model is null
            ? []
            : [.. targets.Select(t => t.Model ?? callModel ?? string.Empty).Where(m => m.Length > 0 && !string.Equals(m, callModel, StringComparison.Ordinal)).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The targets, in the order they are tried.</summary>
    public IReadOnlyList<LlmUpstreamTarget> Targets { get; }

    /// <summary>The models other than the call's own that may answer.</summary>
    public IReadOnlyList<string> FallbackModels { get; }
}
