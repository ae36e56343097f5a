using System.Globalization;
using Microsoft.Extensions.Options;

namespace IronRuntime.Pii.Internal;

/// <summary>Checks <see cref="RuntimeConfig.Pii"/>, with the actual values in the messages.</summary>
internal sealed class PiiOptionsValidator : IValidateOptions<RuntimeConfig>
{
    public ValidateOptionsResult Validate(string? name, RuntimeConfig options)
    {
        PiiOptions pii = options.Pii;
        var failures = new List<string>();
        if (!Enum.IsDefined(pii.RequestMode) || !Enum.IsDefined(pii.ResponseMode))
        {
            failures.Add($"IronRuntime:Pii:RequestMode and ResponseMode must be Off, Detect, Redact or Block; they are {pii.RequestMode} and {pii.ResponseMode}.");
        }

        foreach (var (type, threshold) in pii.Thresholds)
        {
            if (!(threshold is >= 0 and <= 1))
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"IronRuntime:Pii:Thresholds:{type} must be between 0 and 1; it is {threshold}."));
            }
        }

        if (pii.AuditHashKey is { Length: > 0 } key)
        {
            Span<byte> decoded = stackalloc byte[key.Length];
            if (!Convert.TryFromBase64String(key, decoded, out int length) || length < 16)
            {
                failures.Add("IronRuntime:Pii:AuditHashKey must be Base64 of at least 16 bytes.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
