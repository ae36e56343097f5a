using IronRuntime.Configuration;
using IronRuntime.Pii.Internal;
using Microsoft.Extensions.Options;

namespace IronRuntime.Pii;

/// <summary>Creates an <see cref="IPiiScanner"/> without a service container.</summary>
public static class PiiScanner
{
    /// <summary>Creates a scanner with the built-in detectors.</summary>
    /// <param name="options">Entity types, replacements and the hold-back cap; defaults when null. Redactors (<see cref="PiiOptions.UseRedactors"/>) need the container.</param>
    /// <returns>A scanner that does not audit.</returns>
    /// <exception cref="ArgumentException">The options break a rule the container would check at start (the hold-back cap's range, modes, thresholds, the audit key).</exception>
    public static IPiiScanner Create(PiiOptions? options = null)
    {
        options ??= new PiiOptions();
        Validate(options);
        if (options.UseRedactors)
        {
            throw new ArgumentException("PiiOptions.UseRedactors needs an IRedactorProvider: resolve IPiiScanner from a container built with AddIronRuntime().UsePiiRedactors(...).", nameof(options));
        }

        return new DefaultPiiScanner(options, new PiiEngine(options, []), new PiiReplacer(options, null), auditor: null);
    }

    /// <summary>The container's rules for the PII section, applied here too: a scanner is never built on options it would refuse.</summary>
    private static void Validate(PiiOptions options)
    {
        var config = new RuntimeConfig { Pii = options };
        ValidateOptionsResult[] results = [new RuntimeConfigAnnotationsValidator().Validate(null, config), new PiiOptionsValidator().Validate(null, config)];
        string[] failures = [.. results.Where(r => r.Failed).SelectMany(r => r.Failures ?? [])];
        if (failures.Length > 0)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }
    }
}
