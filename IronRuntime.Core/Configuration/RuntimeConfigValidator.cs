using System.Globalization;
using Microsoft.Extensions.Options;

namespace IronRuntime.Configuration;

/// <summary>Cross-field rules of <see cref="RuntimeConfig"/>, with the actual values in the messages.</summary>
internal sealed class RuntimeConfigValidator : IValidateOptions<RuntimeConfig>
{
    public ValidateOptionsResult Validate(string? name, RuntimeConfig options)
    {
        var failures = new List<string>();
        if (options.AlertThresholds is { } thresholds)
        {
            foreach (var t in thresholds)
            {
                if (t <= 0m || t > 1m)
                {
                    failures.Add(string.Create(CultureInfo.InvariantCulture, $"IronRuntime:AlertThresholds must be fractions in (0, 1]; {t} is not."));
                }
            }
        }

        foreach (var (tool, price) in options.Pricing.ToolPrices)
        {
            if (price < 0m)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"IronRuntime:Pricing:ToolPrices:{tool} must be a price in US dollars, 0 or more; it is {price}."));
            }
        }

        foreach (var (label, endpoint) in new[] { ("OpenAI", options.Router.OpenAI), ("Anthropic", options.Router.Anthropic) })
        {
            if (endpoint.BaseUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
            {
                failures.Add($"IronRuntime:Router:{label}:BaseUrl must be an absolute http or https address; it is '{url}'.");
            }
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(options.BudgetTimeZone ?? string.Empty, out _))
        {
            failures.Add($"IronRuntime:BudgetTimeZone must be an IANA or Windows time zone id; '{options.BudgetTimeZone}' is not known on this machine.");
        }

        if (options.MinimumImposedOutputTokens > options.DefaultMaxOutputTokens)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"IronRuntime:MinimumImposedOutputTokens ({options.MinimumImposedOutputTokens}) cannot exceed DefaultMaxOutputTokens ({options.DefaultMaxOutputTokens})."));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
