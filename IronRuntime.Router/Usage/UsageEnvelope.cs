namespace IronRuntime.Router.Usage;

/// <summary>What <see cref="UsageJsonReader.TryReadEnvelope"/> found in one JSON object.</summary>
internal struct UsageEnvelope
{
    /// <summary>The counters of the <c>usage</c> member, when <see cref="HasUsage"/>.</summary>
    public UsageParts Usage;

    /// <summary>Whether a <c>usage</c> member with an object value was found.</summary>
    public bool HasUsage;

    /// <summary>The offset of the <c>usage</c> member's name (its opening quote), or -1 when there is no such member.</summary>
    public int UsageMemberStart;

    /// <summary>The offset just past the <c>usage</c> member's value (whatever it is, <c>null</c> included), or -1.</summary>
    public int UsageMemberEnd;

    /// <summary>The <c>model</c> member, when asked for and present as a non-empty string.</summary>
    public string? Model;

    /// <summary>Whether a <c>choices</c> array was found.</summary>
    public bool HasChoices;

    /// <summary>Whether the <c>choices</c> array was empty (<c>[]</c>).</summary>
    public bool ChoicesEmpty;

    /// <summary>An envelope with nothing found.</summary>
    public static UsageEnvelope Empty => new() { UsageMemberStart = -1, UsageMemberEnd = -1 };
}
