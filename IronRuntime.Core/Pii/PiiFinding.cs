namespace IronRuntime.Pii;

/// <summary>One value found in a string by <see cref="IPiiScanner.Find"/>.</summary>
/// <param name="Index">The UTF-16 offset of its first character.</param>
/// <param name="Length">Its length in UTF-16 characters.</param>
/// <param name="EntityType">What it is, for example <see cref="PiiEntityTypes.Email"/>.</param>
/// <param name="Confidence">How sure the detector is, from 0 to 1 (<see cref="PiiMatch.Confidence"/>); at least the type's threshold.</param>
public readonly record struct PiiFinding(int Index, int Length, string EntityType, double Confidence = 1.0);
