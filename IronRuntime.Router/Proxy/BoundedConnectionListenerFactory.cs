using System.Net;
using Microsoft.AspNetCore.Connections;

namespace IronRuntime.Router.Proxy;

/// <summary>
/// A Kestrel transport that accepts at most <c>maxConnections</c> connections at once: while at the cap it does not
/// call <c>accept</c>, so further agents wait in the kernel's backlog (costing the process no descriptor) instead of
/// being accepted and reset. Each accepted connection gives its slot back when it closes; a waiting agent is then
/// accepted and served, or refused with a 503 by <see cref="ProxyAdmission"/>.
/// </summary>
/// <remarks>Kestrel's own <c>MaxConcurrentConnections</c> accepts first and then closes the connection without an
/// answer, which an agent sees as a reset; this waits instead.</remarks>
internal sealed class BoundedConnectionListenerFactory(IConnectionListenerFactory inner, int maxConnections) : IConnectionListenerFactory
{
    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
        => new Listener(await inner.BindAsync(endpoint, cancellationToken).ConfigureAwait(false), maxConnections);

    private sealed class Listener(IConnectionListener inner, int maxConnections) : IConnectionListener
    {
        private readonly SemaphoreSlim _slots = new(maxConnections, maxConnections);

        public EndPoint EndPoint => inner.EndPoint;

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null; // unbinding
            }

            ConnectionContext? connection;
            try
            {
                connection = await inner.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                _slots.Release();
                throw;
            }

            if (connection is null)
            {
                _slots.Release();
                return null;
            }

            connection.ConnectionClosed.Register(static state => ((SemaphoreSlim)state!).Release(), _slots);
            return connection;
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default) => inner.UnbindAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            _slots.Dispose();
        }
    }
}
