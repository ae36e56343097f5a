using System.Collections.Frozen;

namespace IronRuntime.Pii.Internal;

/// <summary>The threshold of each entity type (<see cref="PiiOptions.Thresholds"/>), looked up once per candidate match.</summary>
internal sealed class PiiThresholds
{
    private readonly FrozenDictionary<string, double> _byType;

    public PiiThresholds(PiiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var byType = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (var (type, threshold) in options.Thresholds)
        {
            byType[type] = threshold;
        }

        _byType = byType.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The threshold of <paramref name="entityType"/>.</summary>
    public double For(string entityType) => _byType.TryGetValue(entityType, out double threshold) ? threshold : PiiOptions.DefaultThreshold;

    /// <summary>Whether a match of <paramref name="entityType"/> scored <paramref name="confidence"/> is reported.</summary>
    public bool Passes(string entityType, double confidence) => confidence >= For(entityType);
}
