using Microsoft.Extensions.Options;

namespace IronRuntime.Configuration;

/// <summary>Fills provider keys left unset from the host's environment (<c>OPENAI_API_KEY</c>, <c>ANTHROPIC_API_KEY</c>).</summary>
internal sealed class RuntimeConfigEnvironmentDefaults : IPostConfigureOptions<RuntimeConfig>
{
    public void PostConfigure(string? name, RuntimeConfig options)
    {
        options.Router.OpenAI.ApiKey ??= NonEmpty(Environment.GetEnvironmentVariable("OPENAI_API_KEY"));
        options.Router.Anthropic.ApiKey ??= NonEmpty(Environment.GetEnvironmentVariable("ANTHROPIC_API_KEY"));
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
