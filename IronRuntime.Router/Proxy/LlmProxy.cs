using IronRuntime.Router.Internal;
using IronRuntime.Router.Proxy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IronRuntime.Router;

/// <summary>
/// The loopback proxy: an HTTP endpoint on <c>127.0.0.1</c> that speaks the OpenAI and Anthropic APIs and feeds every
/// request into the same <see cref="LlmRouter"/> chain as in-process calls, attributed to the agent whose token the
/// request carries. Child processes use it through their SDKs' usual settings (<c>OPENAI_BASE_URL</c>,
/// <c>ANTHROPIC_BASE_URL</c>, the token as API key) without knowing about the runtime.
/// </summary>
/// <remarks>
/// Tokens carry 256 random bits, are kept only as SHA-256 digests and compared in constant time. The token may come
/// as <c>Authorization: Bearer</c> or <c>x-api-key</c>; a request without a valid one gets 401 in the provider's error
/// shape. The agent's credential never travels upstream: the router injects the real key.
/// </remarks>
public sealed class LlmProxy : IAsyncDisposable
{
    private readonly LlmRouter _router;
    private readonly LlmProxyOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly AgentTokenRegistry _tokens = new();
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private LoopbackServer? _server;
    private int _disposed;

    internal LlmProxy(LlmRouter router, LlmProxyOptions options, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(options);
        _router = router;
        _options = options;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger("IronRuntime.Proxy");
    }

    /// <summary>Whether the proxy is listening.</summary>
    public bool IsRunning => Volatile.Read(ref _server) is not null;

    /// <summary>The proxy's root address, for example <c>http://127.0.0.1:54321/</c>.</summary>
    /// <exception cref="InvalidOperationException">The proxy is not running.</exception>
    public Uri BaseAddress => Volatile.Read(ref _server)?.BaseAddress
        ?? throw new InvalidOperationException("The IronRuntime proxy is not running; call StartAsync first.");

    /// <summary>The base URL for OpenAI SDKs (<c>OPENAI_BASE_URL</c>): <see cref="BaseAddress"/> + <c>v1</c>.</summary>
    public Uri OpenAIBaseUrl => new(BaseAddress, "v1");

    /// <summary>The base URL for Anthropic SDKs (<c>ANTHROPIC_BASE_URL</c>): <see cref="BaseAddress"/> (the SDKs append <c>/v1/messages</c>).</summary>
    public Uri AnthropicBaseUrl => BaseAddress;

    /// <summary>Starts listening (on <see cref="LlmProxyOptions.Port"/>); does nothing when already running.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task completing when the proxy listens.</returns>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (IsRunning)
        {
            return;
        }

        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
            if (_server is null)
            {
                var capacity = StartCapacity();
                var handler = new ProxyRequestHandler(_router, _tokens, new ProxyAdmission(capacity, _logger), _logger);
                long? maxConnections = capacity.Connections == int.MaxValue ? null : capacity.Connections;
                var server = await LoopbackServer.StartAsync(_options.Port, maxConnections, handler.HandleAsync, _loggerFactory, cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _server, server);
                RouterLog.ProxyStarted(_logger, server.BaseAddress);
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// Raises the open-file soft limit to the hard one (logged) and sizes the proxy from it, so that descriptors never
    /// run out: past its capacity a call gets 503 instead of the process failing.
    /// </summary>
    private Admission.ProxyCapacity StartCapacity()
    {
        if (Admission.DescriptorLimit.RaiseSoftToHard() is { } raised && raised.After > raised.Before)
        {
            RouterLog.DescriptorLimitRaised(_logger, raised.Before, raised.After);
        }

        // Load what the refusal path needs now, while descriptors are plenty (each assembly holds two while loaded).
        using (var warmUp = Errors.OverloadErrors.Overloaded(anthropicShape: false, "warm-up"))
        {
            _ = warmUp.Content.Headers.ContentLength;
        }

        var capacity = Admission.ProxyCapacity.OfThisProcess();
        _router.Descriptors.Refresh(); // the soft limit may have been raised just now
        if (capacity.Descriptors > 0)
        {
            RouterLog.ProxyCapacity(_logger, capacity.Calls, capacity.Connections, capacity.Descriptors, capacity.Reserve);
        }

        return capacity;
    }

    /// <summary>Stops listening. Tokens stay valid: a later <see cref="StartAsync"/> serves them again (on a new port when it is 0).</summary>
    /// <param name="cancellationToken">When cancelled, calls still in flight are aborted instead of awaited.</param>
    /// <returns>A task completing when the proxy has stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Interlocked.Exchange(ref _server, null) is { } server)
            {
                await server.StopAsync(cancellationToken).ConfigureAwait(false);
                await server.DisposeAsync().ConfigureAwait(false);
                RouterLog.ProxyStopped(_logger, server.BaseAddress);
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Issues a fresh token whose calls are attributed to <paramref name="agentId"/>.</summary>
    /// <param name="agentId">The agent.</param>
    /// <returns>The token: give it to the agent as its API key.</returns>
    public string IssueToken(string agentId)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        return _tokens.Issue(agentId);
    }

    /// <summary>Revokes one token: later calls with it get 401.</summary>
    /// <param name="token">The token.</param>
    /// <returns>True when the token was valid.</returns>
    public bool RevokeToken(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _tokens.Revoke(token);
    }

    /// <summary>Revokes every token of <paramref name="agentId"/>.</summary>
    /// <param name="agentId">The agent.</param>
    /// <returns>How many tokens were revoked.</returns>
    public int RevokeTokens(string agentId)
    {
        ArgumentNullException.ThrowIfNull(agentId);
        return _tokens.RevokeAll(agentId);
    }

    /// <summary>Stops the proxy (calls in flight get a short grace period) and releases it.</summary>
    /// <returns>A task completing when done.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Interlocked.Exchange(ref _server, null) is { } server)
            {
                await server.DisposeAsync().ConfigureAwait(false);
                RouterLog.ProxyStopped(_logger, server.BaseAddress);
            }
        }
        finally
        {
            _lifecycle.Release();
        }

        _lifecycle.Dispose();
    }
}
