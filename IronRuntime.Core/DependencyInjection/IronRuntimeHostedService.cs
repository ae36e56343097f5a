using Microsoft.Extensions.Hosting;

namespace IronRuntime;

/// <summary>
/// Ties the runtime to a generic host: starts the loopback proxy with the host when configured to, and stops every
/// agent (process trees included) and then the proxy when the host stops.
/// </summary>
internal sealed class IronRuntimeHostedService(AgentRuntime runtime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        runtime.RestoreState();
        return runtime.Config.Router.Proxy.StartWithHost ? runtime.Proxy.StartAsync(cancellationToken) : Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await runtime.StopAllAgentsAsync(cancellationToken).ConfigureAwait(false);
        await runtime.Proxy.StopAsync(cancellationToken).ConfigureAwait(false);
    }
}
