using System.Text.RegularExpressions;
using IronRuntime.Pii;
using IronRuntime.Pii.Internal;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.DependencyInjection;

namespace IronRuntime;

/// <summary>PII and secret detection choices on the <see cref="IronRuntimeBuilder"/>.</summary>
public static class IronRuntimeBuilderPiiExtensions
{
    /// <summary>Configures detection of personal data and secrets (modes per direction, entity types, replacements).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">The change, for example <c>p =&gt; p.ResponseMode = PiiMode.Redact</c>.</param>
    /// <returns>The builder.</returns>
    public static IronRuntimeBuilder WithPii(this IronRuntimeBuilder builder, Action<PiiOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.Configure(c => configure(c.Pii));
    }

    /// <summary>
    /// Adds a detector: a regular expression matched within each whitespace-delimited token (up to 256 bytes), an
    /// optional validator that confirms a match, and the entity type it reports (its marker is <c>[TYPE]</c>).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="entityType">The entity type, for example <c>EMPLOYEE_ID</c>.</param>
    /// <param name="pattern">The pattern (.NET syntax, culture-invariant).</param>
    /// <param name="validator">Confirms a matched value, or null to accept every match.</param>
    /// <returns>The builder.</returns>
    public static IronRuntimeBuilder AddPiiDetector(this IronRuntimeBuilder builder, string entityType, string pattern, Func<string, bool>? validator = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(entityType);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        var regex = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromSeconds(1));
        builder.Services.AddSingleton(new PiiCustomDetector(entityType, regex, validator));
        return builder;
    }

    /// <summary>
    /// Replaces values with <c>Microsoft.Extensions.Compliance.Redaction</c> redactors chosen by each entity type's
    /// classification (<see cref="PiiEntityTypes.Classification"/>) instead of markers, for example an HMAC pseudonym
    /// for e-mails and erasing for keys. Types without a redactor get the provider's fallback.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Registers redactors: <c>r =&gt; r.SetRedactor&lt;ErasingRedactor&gt;(PiiEntityTypes.Classification(PiiEntityTypes.OpenAIKey))</c>.</param>
    /// <returns>The builder.</returns>
    public static IronRuntimeBuilder UsePiiRedactors(this IronRuntimeBuilder builder, Action<IRedactionBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddRedaction(configure);
        return builder.Configure(c => c.Pii.UseRedactors = true);
    }
}
