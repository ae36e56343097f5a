using System.Net;
using IronRuntime.Router.Simulation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Router.Providers;

/// <summary>Builds the provider hop and the router from a container.</summary>
internal static class UpstreamHandlers
{
    /// <summary>
    /// The pooled handler for provider calls: no proxy, redirects, cookies or decompression; an explicit connect timeout;
    /// no draining of an answer the client stopped reading (the connection closes at once, so the provider stops
    /// generating tokens nobody reads).
    /// </summary>
    /// <param name="connectTimeout">The longest wait for a TCP/TLS connection.</param>
    /// <returns>A new handler.</returns>
    public static HttpMessageHandler CreatePrimaryHandler(TimeSpan connectTimeout) => new SocketsHttpHandler
    {
        MaxResponseDrainSize = 0,
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = connectTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
        EnableMultipleHttp2Connections = true,
    };

    /// <summary>The router over the extension points registered in <paramref name="services"/>.</summary>
    public static LlmRouter CreateRouter(IServiceProvider services, LlmRouterOptions options)
    {
        var time = services.GetRequiredService<TimeProvider>();
        bool simulated = options.UseSimulatedProvider;
        HttpMessageHandler primary = simulated
            ? new SimulatedProviderHandler(time)
            : services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(LlmRouterServiceCollectionExtensions.UpstreamClientName);
        return new LlmRouter(
            options,
            services.GetService<ILlmRequestGate>(),
            services.GetServices<ILlmCallObserver>(),
            primary,
            disposePrimary: simulated,
            time,
            services.GetRequiredService<ILoggerFactory>(),
            services.GetService<ILlmContentFilter>(),
            services.GetService<ILlmUpstreamPolicy>());
    }
}
