using Microsoft.Extensions.Options;

namespace IronRuntime.Configuration;

/// <summary>Fills provider keys left unset from the host's environment (<c>OPENAI_API_KEY</c>, <c>ANTHROPIC_API_KEY</c>).</summary>
internal sealed class RuntimeConfigEnvironmentDefaults : IPostConfigureOptions<RuntimeConfig>
{
    private readonly Func<string, string?> _environment;

    /// <summary>Reads the process environment.</summary>
    public RuntimeConfigEnvironmentDefaults()
        : this(Environment.GetEnvironmentVariable)
    {
    }

    /// <summary>Reads <paramref name="environment"/> instead (tests pass their own, never touching the process's).</summary>
    internal RuntimeConfigEnvironmentDefaults(Func<string, string?> environment) => _environment = environment;

    public void PostConfigure(string? name, RuntimeConfig options)
    {
        options.Router.OpenAI.ApiKey ??= NonEmpty(_environment("OPENAI_API_KEY"));
        options.Router.Anthropic.ApiKey ??= NonEmpty(_environment("ANTHROPIC_API_KEY"));
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
