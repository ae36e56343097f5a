namespace IronRuntime.Resilience.Internal;

/// <summary>The ordered targets of a call, and the models other than the call's own that may answer (what a gate must also cover).</summary>
internal sealed class CallRoute
{
    public CallRoute(CallTarget[] targets, string? callModel)
    {
        Targets = targets;
        FallbackModels = targets.Length == 1 && targets[0].Model is null
            ? []
            : [.. targets.Select(t => t.Model ?? callModel ?? string.Empty).Where(m => m.Length > 0 && !string.Equals(m, callModel, StringComparison.Ordinal)).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The targets, in the order they are tried.</summary>
    public CallTarget[] Targets { get; }

    /// <summary>The models other than the call's own that may answer.</summary>
    public string[] FallbackModels { get; }
}
