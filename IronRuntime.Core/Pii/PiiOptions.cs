using System.ComponentModel.DataAnnotations;

namespace IronRuntime.Pii;

/// <summary>
/// Detection of personal data and secrets in LLM traffic: what to do per direction, which entity types, how values
/// are replaced. Bound from <c>IronRuntime:Pii</c>.
/// </summary>
public sealed class PiiOptions
{
    /// <summary>What to do with values found in prompts (default <see cref="PiiMode.Off"/>).</summary>
    public PiiMode RequestMode { get; set; }

    /// <summary>What to do with values found in model output (default <see cref="PiiMode.Off"/>).</summary>
    public PiiMode ResponseMode { get; set; }

    /// <summary>
    /// Entity types switched on or off by name (for example <c>"IP_ADDRESS": false</c>). Types not listed are on.
    /// </summary>
    public Dictionary<string, bool> Entities { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The threshold of the types <see cref="Thresholds"/> does not list: 0.5.</summary>
    public const double DefaultThreshold = 0.5;

    /// <summary>
    /// The least confidence (0–1) a detection of each entity type needs to be reported and replaced (for example
    /// <c>"SSN": 0.3</c> to report nine bare digits without a label). Types not listed use <see cref="DefaultThreshold"/>.
    /// Bound from <c>IronRuntime:Pii:Thresholds:&lt;TYPE&gt;</c>; the confidences are listed in <c>docs/pii.md</c>.
    /// </summary>
    public Dictionary<string, double> Thresholds { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Replacement text per entity type (for example <c>"EMAIL": "&lt;email&gt;"</c>). The default is the type in
    /// brackets, <c>[EMAIL]</c>. Ignored for the types a redactor handles (<see cref="UseRedactors"/>).
    /// </summary>
    public Dictionary<string, string> Replacements { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Replace values with the <c>Microsoft.Extensions.Compliance.Redaction</c> redactor registered for each entity
    /// type's classification (<see cref="PiiEntityTypes.Classification"/>) instead of a marker. Set by
    /// <c>UsePiiRedactors</c>; requires an <c>IRedactorProvider</c> in the container.
    /// </summary>
    public bool UseRedactors { get; set; }

    /// <summary>
    /// The most text held back in one stream while it may still be the start of a value (default 16 KiB of UTF-8).
    /// Past it, the whole ambiguous run is redacted rather than released.
    /// </summary>
    [Range(256, 16 * 1024 * 1024)]
    public int MaxHoldBackBytes { get; set; } = 16 * 1024;

    /// <summary>
    /// End a stream with an error event (and refuse a body) whose content the router cannot parse, rather than pass it
    /// through unscanned (default true). Applies in <see cref="PiiMode.Redact"/> and <see cref="PiiMode.Block"/>.
    /// </summary>
    public bool FailClosed { get; set; } = true;

    /// <summary>How many audit events the default in-memory audit sink keeps (default 1,024).</summary>
    [Range(1, 1_000_000)]
    public int AuditCapacity { get; set; } = 1024;

    /// <summary>
    /// The key (Base64, at least 16 bytes) of the HMAC-SHA256 that audit events carry instead of a value, so repeats
    /// can be correlated. Unset: a random key per runtime.
    /// </summary>
    public string? AuditHashKey { get; set; }

    /// <summary>Whether <paramref name="entityType"/> is switched on.</summary>
    /// <param name="entityType">The entity type.</param>
    /// <returns>False only when <see cref="Entities"/> switches it off.</returns>
    public bool IsEnabled(string entityType) => !Entities.TryGetValue(entityType, out bool on) || on;
}
