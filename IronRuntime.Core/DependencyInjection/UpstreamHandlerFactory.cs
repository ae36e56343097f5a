using System.Net;
using IronRuntime.Router;
using IronRuntime.Router.Simulation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IronRuntime;

/// <summary>Builds the provider hop and the router from the container.</summary>
internal static class UpstreamHandlerFactory
{
    /// <summary>
    /// The pooled handler for provider calls: no proxy, redirects, cookies or decompression; the configured connect timeout;
    /// no draining of an answer the client stopped reading (the connection closes at once, so the provider stops
    /// generating tokens nobody reads).
    /// </summary>
    public static HttpMessageHandler CreatePrimaryHandler(IServiceProvider services) => new SocketsHttpHandler
    {
        MaxResponseDrainSize = 0,
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = services.GetRequiredService<IOptions<RuntimeConfig>>().Value.Resilience.ConnectTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
        EnableMultipleHttp2Connections = true,
    };

    public static LlmRouter CreateRouter(IServiceProvider services)
    {
        var config = services.GetRequiredService<IOptions<RuntimeConfig>>().Value;
        var time = services.GetRequiredService<TimeProvider>();
        bool simulated = config.Router.UseSimulatedProvider;
        HttpMessageHandler primary = simulated
            ? new SimulatedProviderHandler(time)
            : services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(IronRuntimeBuilder.UpstreamClientName);
        return new LlmRouter(
            config.Router,
            services.GetService<ILlmRequestGate>(),
            services.GetServices<ILlmCallObserver>(),
            primary,
            disposePrimary: simulated,
            time,
            services.GetRequiredService<ILoggerFactory>(),
            services.GetService<ILlmContentFilter>(),
            config.Resilience.Enabled ? services.GetRequiredService<Resilience.Internal.ProviderResilience>() : null);
    }
}
