using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Router.Proxy;

/// <summary>
/// The socket transport of the loopback proxy, built the way ASP.NET Core's host builds it — from the services that
/// <c>UseSockets()</c> registers — with a <see cref="LoopbackMemoryPoolFactory"/> in the container, so that its
/// connections take their buffers from a <see cref="LoopbackMemoryPool"/>.
/// </summary>
/// <remarks>
/// The transport's memory pool can be set only through a container (<c>SocketTransportOptions.MemoryPoolFactory</c> is
/// internal and filled from the registered <see cref="IMemoryPoolFactory{T}"/>). A <c>SocketTransportFactory</c> made
/// by hand, as <see cref="LoopbackServer"/> did before, falls back to <see cref="System.Buffers.ArrayPool{T}.Shared"/>
/// for every block of every connection (issue #19, stop 10; see <see cref="LoopbackMemoryPool"/>). The container exists
/// only to build the transport and lives as long as the server. This type is the <see cref="IWebHostBuilder"/> that
/// <c>UseSockets()</c> extends: it hands the registrations to the container and builds nothing itself.
/// </remarks>
internal sealed class KestrelServices : IWebHostBuilder
{
    private readonly IServiceCollection _services;
    private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase);
    private readonly IConfiguration _configuration = new ConfigurationBuilder().Build();

    private KestrelServices(IServiceCollection services) => _services = services;

    /// <summary>A container holding the socket transport with Kestrel's pool; dispose it after the server.</summary>
    public static ServiceProvider CreateSocketTransport(ILoggerFactory loggerFactory, out IConnectionListenerFactory transport)
    {
        var services = new ServiceCollection();
        services.AddSingleton(loggerFactory);
        services.AddLogging();
        services.AddSingleton<IMemoryPoolFactory<byte>, LoopbackMemoryPoolFactory>();
        new KestrelServices(services).UseSockets();
        var provider = services.BuildServiceProvider();
        try
        {
            transport = provider.GetRequiredService<IConnectionListenerFactory>();
            return provider;
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    // IWebHostBuilder still carries UseKestrelCore() and UseSockets(); its Build() is never called here.
#pragma warning disable ASPDEPR008 // IWebHost is obsolete
    /// <inheritdoc />
    public IWebHost Build() => throw new NotSupportedException("Only the transport's services are built.");
#pragma warning restore ASPDEPR008

    /// <inheritdoc />
    public IWebHostBuilder ConfigureAppConfiguration(Action<WebHostBuilderContext, IConfigurationBuilder> configureDelegate) => this;

    /// <inheritdoc />
    public IWebHostBuilder ConfigureServices(Action<IServiceCollection> configureServices)
    {
        ArgumentNullException.ThrowIfNull(configureServices);
        configureServices(_services);
        return this;
    }

    /// <inheritdoc />
    public IWebHostBuilder ConfigureServices(Action<WebHostBuilderContext, IServiceCollection> configureServices)
    {
        ArgumentNullException.ThrowIfNull(configureServices);
        configureServices(new WebHostBuilderContext { Configuration = _configuration }, _services);
        return this;
    }

    /// <inheritdoc />
    public string? GetSetting(string key) => _settings.GetValueOrDefault(key);

    /// <inheritdoc />
    public IWebHostBuilder UseSetting(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }
}
