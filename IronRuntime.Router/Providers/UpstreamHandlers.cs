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

    /// <summary>
    /// The primary handler of the upstream client: the simulated provider with
    /// <see cref="LlmRouterOptions.UseSimulatedProvider"/>, else the pooled handler with the connect timeout of a
    /// registered <see cref="LlmUpstreamTimeouts"/> (10 s without one). An application's own primary handler replaces it.
    /// </summary>
    public static HttpMessageHandler CreatePrimaryHandler(IServiceProvider services)
        => services.GetRequiredService<Microsoft.Extensions.Options.IOptions<LlmRouterOptions>>().Value.UseSimulatedProvider
            ? new SimulatedProviderHandler(services.GetRequiredService<TimeProvider>())
            : CreatePrimaryHandler(services.GetService<LlmUpstreamTimeouts>()?.Connect ?? TimeSpan.FromSeconds(10));

    /// <summary>The router over the extension points registered in <paramref name="services"/>.</summary>
    public static LlmRouter CreateRouter(IServiceProvider services, LlmRouterOptions options)
    {
        var time = services.GetRequiredService<TimeProvider>();
        return new LlmRouter(
            options,
            services.GetService<ILlmRequestGate>(),
            services.GetServices<ILlmCallObserver>(),
            services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(LlmRouterServiceCollectionExtensions.UpstreamClientName),
            disposePrimary: false,
            time,
            services.GetRequiredService<ILoggerFactory>(),
            services.GetService<ILlmContentFilter>(),
            services.GetService<ILlmUpstreamPolicy>());
    }
}
