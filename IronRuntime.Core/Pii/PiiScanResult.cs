namespace IronRuntime.Pii;

/// <summary>The answer of <see cref="IPiiEngine.Scan"/>.</summary>
/// <param name="SettledLength">
/// How much of the text is settled: no value can start before it or change its extent there when more text follows.
/// The rest (the tail) could still be the start of a value. Equal to the text's length for final text.
/// </param>
/// <param name="PendingEntityType">The entity type the tail could become (the first candidate), or null.</param>
public readonly record struct PiiScanResult(int SettledLength, string? PendingEntityType);
