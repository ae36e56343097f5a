using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IronRuntime.Router.Proxy;

/// <summary>
/// Kestrel on <c>127.0.0.1</c>, HTTP/1.1, running one request delegate — no host, container or middleware.
/// </summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly KestrelServer _server;
    private readonly ServiceProvider _transportServices;

    private LoopbackServer(KestrelServer server, ServiceProvider transportServices, Uri baseAddress)
    {
        _server = server;
        _transportServices = transportServices;
        BaseAddress = baseAddress;
    }

    /// <summary>The root address, for example <c>http://127.0.0.1:54321/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Starts listening on <paramref name="port"/> (0 for a free one), with at most <paramref name="maxConnections"/> connections (null: no limit).</summary>
    public static async Task<LoopbackServer> StartAsync(int port, long? maxConnections, RequestDelegate handler, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var options = new KestrelServerOptions { AddServerHeader = false };
        options.Limits.MaxRequestBodySize = null; // the router caps what it reads, and answers 413 in the provider's shape
        options.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http1);
        // The transport as the host builds it: its connections' buffers come from Kestrel's block pool (KestrelServices).
        var transportServices = KestrelServices.CreateSocketTransport(loggerFactory, out IConnectionListenerFactory transport);
        if (maxConnections is { } cap)
        {
            transport = new BoundedConnectionListenerFactory(transport, (int)Math.Min(int.MaxValue, cap)); // descriptors never run out
        }

        var server = new KestrelServer(Options.Create(options), transport, loggerFactory);
        try
        {
            await server.StartAsync(new Application(handler), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            server.Dispose();
            await transportServices.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        string address = server.Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new LoopbackServer(server, transportServices, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>Stops accepting requests; in-flight ones may finish until <paramref name="cancellationToken"/> fires.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => _server.StopAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _server.StopAsync(grace.Token).ConfigureAwait(false);
            _server.Dispose();
        }
        finally
        {
            await _transportServices.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs the delegate. The <see cref="HttpContext"/> of a connection is made once and reused for its next requests
    /// (as ASP.NET Core's hosting layer does), not made anew per request: the handler never keeps it past its task.
    /// </summary>
    private sealed class Application(RequestDelegate handler) : IHttpApplication<HttpContext>
    {
        public HttpContext CreateContext(IFeatureCollection contextFeatures)
        {
            if (contextFeatures is Microsoft.AspNetCore.Hosting.Server.Abstractions.IHostContextContainer<HttpContext> container)
            {
                if (container.HostContext is DefaultHttpContext reused)
                {
                    reused.Initialize(contextFeatures);
                    return reused;
                }

                var context = new DefaultHttpContext(contextFeatures);
                container.HostContext = context;
                return context;
            }

            return new DefaultHttpContext(contextFeatures);
        }

        public Task ProcessRequestAsync(HttpContext context) => handler(context);

        public void DisposeContext(HttpContext context, Exception? exception)
        {
            if (context is DefaultHttpContext defaultContext)
            {
                defaultContext.Uninitialize();
            }
        }
    }
}
