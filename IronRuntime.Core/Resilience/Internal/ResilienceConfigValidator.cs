using System.Globalization;
using IronRuntime.Router;
using Microsoft.Extensions.Options;

namespace IronRuntime.Resilience.Internal;

/// <summary>The rules of <see cref="RuntimeConfig.Resilience"/>, with the actual values in the messages.</summary>
internal sealed class ResilienceConfigValidator : IValidateOptions<RuntimeConfig>
{
    private static readonly TimeSpan MinBreak = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan OneDay = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, RuntimeConfig options)
    {
        var o = options.Resilience;
        if (o is null)
        {
            return ValidateOptionsResult.Fail("IronRuntime:Resilience must not be null.");
        }

        var failures = new List<string>();
        void Check(bool ok, FormattableString message)
        {
            if (!ok)
            {
                failures.Add("IronRuntime:Resilience:" + message.ToString(CultureInfo.InvariantCulture));
            }
        }

        Check(o.SamplingDuration >= MinBreak && o.SamplingDuration <= OneDay, $"SamplingDuration must be between 0.5 s and 1 day; it is {o.SamplingDuration}.");
        Check(o.BreakDuration >= MinBreak && o.BreakDuration <= OneDay, $"BreakDuration must be between 0.5 s and 1 day; it is {o.BreakDuration}.");
        Check(o.RetryBaseDelay >= TimeSpan.Zero && o.RetryBaseDelay <= OneDay, $"RetryBaseDelay must be between 0 and 1 day; it is {o.RetryBaseDelay}.");
        Check(o.MaxRetryDelay > TimeSpan.Zero && o.MaxRetryDelay <= OneDay, $"MaxRetryDelay must be between 0 (excluded) and 1 day; it is {o.MaxRetryDelay}.");
        Check(o.MaxRetryDelay >= o.RetryBaseDelay, $"MaxRetryDelay ({o.MaxRetryDelay}) cannot be shorter than RetryBaseDelay ({o.RetryBaseDelay}).");
        Check(IsTimeout(o.ConnectTimeout, TimeSpan.FromTicks(1)), $"ConnectTimeout must be positive or infinite (-00:00:00.001); it is {o.ConnectTimeout}.");
        Check(IsTimeout(o.FirstByteTimeout, MinTimeout), $"FirstByteTimeout must be between 10 ms and 1 day, or infinite; it is {o.FirstByteTimeout}.");
        Check(IsTimeout(o.StreamIdleTimeout, TimeSpan.FromTicks(1)), $"StreamIdleTimeout must be positive or infinite; it is {o.StreamIdleTimeout}.");
        Check(IsTimeout(o.TotalTimeout, MinTimeout), $"TotalTimeout must be between 10 ms and 1 day, or infinite; it is {o.TotalTimeout}.");

        foreach (var (endpointName, endpoint) in o.Endpoints ?? [])
        {
            Check(!IsBuiltIn(endpointName), $"Endpoints:{endpointName} uses a built-in endpoint's name; configure it under Router instead.");
            Check(endpoint.Provider != LlmProvider.Unknown, $"Endpoints:{endpointName}:Provider must be OpenAI or Anthropic.");
            Check(endpoint.BaseUrl is { IsAbsoluteUri: true } url && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps),
                $"Endpoints:{endpointName}:BaseUrl must be an absolute http or https address; it is '{endpoint.BaseUrl}'.");
        }

        foreach (var (model, targets) in o.Failover ?? [])
        {
            for (int i = 0; i < (targets?.Count ?? 0); i++)
            {
                var target = targets![i];
                LlmProvider? provider = ProviderOf(o, target.Endpoint);
                Check(provider is not null, $"Failover:{model}:{i}:Endpoint '{target.Endpoint}' is neither 'openai', 'anthropic' nor one of Endpoints.");
                LlmProvider? source = model == ResilienceOptions.AnyModel ? null : ModelProvider(model);
                Check(provider is null || source is null || provider == source || !string.IsNullOrEmpty(target.Model),
                    $"Failover:{model}:{i} goes to {provider} endpoint '{target.Endpoint}' and needs a Model of that provider.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsTimeout(TimeSpan value, TimeSpan min) => value == Timeout.InfiniteTimeSpan || (value >= min && value <= OneDay);

    private static bool IsBuiltIn(string name)
        => string.Equals(name, ResilienceOptions.OpenAIEndpoint, StringComparison.OrdinalIgnoreCase)
           || string.Equals(name, ResilienceOptions.AnthropicEndpoint, StringComparison.OrdinalIgnoreCase);

    private static LlmProvider? ProviderOf(ResilienceOptions o, string? endpoint)
    {
        if (string.Equals(endpoint, ResilienceOptions.OpenAIEndpoint, StringComparison.OrdinalIgnoreCase))
        {
            return LlmProvider.OpenAI;
        }

        if (string.Equals(endpoint, ResilienceOptions.AnthropicEndpoint, StringComparison.OrdinalIgnoreCase))
        {
            return LlmProvider.Anthropic;
        }

        return endpoint is not null && o.Endpoints.TryGetValue(endpoint, out var named) ? named.Provider : null;
    }

    private static LlmProvider? ModelProvider(string model)
    {
        var provider = LlmModels.ProviderOf(model);
        return provider == LlmProvider.Unknown ? null : provider;
    }
}
