using IronRuntime.Router;
using IronRuntime.Router.Providers;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the LLM router on its own: the package without the runtime.</summary>
public static class LlmRouterServiceCollectionExtensions
{
    /// <summary>The <c>IHttpClientFactory</c> client whose handler is the provider hop (a pooled <c>SocketsHttpHandler</c>).</summary>
    public const string UpstreamClientName = "IronRuntime.Upstream";

    /// <summary>
    /// Adds <see cref="LlmRouter"/> and <see cref="LlmProxy"/> as singletons. The router calls the extension points it
    /// finds in the container — <see cref="ILlmRequestGate"/>, every <see cref="ILlmCallObserver"/>,
    /// <see cref="ILlmContentFilter"/>, <see cref="ILlmUpstreamPolicy"/> — each optional; the provider hop is the
    /// <see cref="UpstreamClientName"/> client, so handlers plug in with <c>AddHttpClient(UpstreamClientName)</c>; its
    /// primary handler is the simulated provider when <see cref="LlmRouterOptions.UseSimulatedProvider"/> is set, else a
    /// pooled <c>SocketsHttpHandler</c> with the connect timeout of a registered <see cref="LlmUpstreamTimeouts"/> (10 s
    /// without one).
    /// <see cref="LlmRouterOptions"/> are validated on start.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the router's options (endpoints, keys, limits), or null.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddLlmRouter(this IServiceCollection services, Action<LlmRouterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (services.Any(static d => d.ServiceType == typeof(LlmRouterMarker)))
        {
            return services;
        }

        services.AddSingleton<LlmRouterMarker>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddOptionsWithValidateOnStart<LlmRouterOptions, LlmRouterOptionsValidator>();

        // No IHttpClientFactory loggers on the provider hop: at Trace they put the raw request headers — the real
        // keys — into the log state (only the message text is redacted). The router logs every call itself.
        services.AddHttpClient(UpstreamClientName)
            .ConfigurePrimaryHttpMessageHandler(UpstreamHandlers.CreatePrimaryHandler)
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        services.TryAddSingleton(static sp => UpstreamHandlers.CreateRouter(sp, sp.GetRequiredService<IOptions<LlmRouterOptions>>().Value));
        services.TryAddSingleton(static sp => new LlmProxy(
            sp.GetRequiredService<LlmRouter>(),
            sp.GetRequiredService<IOptions<LlmRouterOptions>>().Value.Proxy,
            sp.GetRequiredService<ILoggerFactory>()));
        return services;
    }

    private sealed class LlmRouterMarker;
}
