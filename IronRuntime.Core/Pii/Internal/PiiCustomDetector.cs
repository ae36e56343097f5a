using System.Text.RegularExpressions;

namespace IronRuntime.Pii.Internal;

/// <summary>A detector registered through the builder: a pattern matched within whitespace-delimited tokens, and an optional validator.</summary>
/// <param name="EntityType">What it finds.</param>
/// <param name="Pattern">The pattern (culture-invariant, compiled).</param>
/// <param name="Validator">Confirms a match, or null.</param>
internal sealed record PiiCustomDetector(string EntityType, Regex Pattern, Func<string, bool>? Validator);
