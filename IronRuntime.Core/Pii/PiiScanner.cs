using IronRuntime.Pii.Internal;

namespace IronRuntime.Pii;

/// <summary>Creates an <see cref="IPiiScanner"/> without a service container.</summary>
public static class PiiScanner
{
    /// <summary>Creates a scanner with the built-in detectors.</summary>
    /// <param name="options">Entity types, replacements and the hold-back cap; defaults when null. Redactors (<see cref="PiiOptions.UseRedactors"/>) need the container.</param>
    /// <returns>A scanner that does not audit.</returns>
    public static IPiiScanner Create(PiiOptions? options = null)
    {
        options ??= new PiiOptions();
        if (options.UseRedactors)
        {
            throw new ArgumentException("PiiOptions.UseRedactors needs an IRedactorProvider: resolve IPiiScanner from a container built with AddIronRuntime().UsePiiRedactors(...).", nameof(options));
        }

        return new DefaultPiiScanner(options, new PiiEngine(options, []), new PiiReplacer(options, null), auditor: null);
    }
}
