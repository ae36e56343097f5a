using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using IronRuntime.Agents;
using IronRuntime.Agents.Processes;
using IronRuntime.Budget;
using IronRuntime.Internal;
using IronRuntime.Resilience;
using IronRuntime.Router;
using IronRuntime.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IronRuntime;

/// <summary>
/// The runtime: starts, watches and stops agents — in process, or as child processes governed through the loopback
/// proxy — and holds every LLM call they make to its budgets.
/// Resolve it from the container after <c>services.AddIronRuntime(...)</c>, or build one with
/// <see cref="CreateBuilder"/>.
/// </summary>
public sealed partial class AgentRuntime : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, AgentHandle> _agents = new(StringComparer.Ordinal);
    private readonly IBudgetLedger _ledger;
    private readonly AgentMetricsCollector _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly RuntimeConfig _config;
    private readonly BudgetDenialObserver _budgetDenials;
    private readonly IProviderHealth _providerHealth;
    private readonly StateRestorer _restorer;
    private readonly IRuntimeStateStore? _store;
    private readonly List<AgentHandle> _runs = [];
    private int _disposed;

    internal AgentRuntime(
        IOptions<RuntimeConfig> config,
        LlmRouter router,
        LlmProxy proxy,
        IBudgetLedger ledger,
        AgentMetricsCollector metrics,
        BudgetDenialObserver budgetDenials,
        StateRestorer restorer,
        IRuntimeStateStore store,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        IProviderHealth providerHealth)
    {
        _config = config.Value;
        Router = router;
        Proxy = proxy;
        _ledger = ledger;
        _budgetDenials = budgetDenials;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<AgentRuntime>();
        _ledger.ThresholdCrossed += OnThresholdCrossed;
        _budgetDenials.BudgetDenied += OnBudgetDenied;
        _providerHealth = providerHealth;
        _providerHealth.StateChanged += OnProviderStateChanged;
        if (_config.Budget is { } budget)
        {
            SeedLimit(null, budget);
        }

        _restorer = restorer;
        _store = store is NullRuntimeStateStore ? null : store;

        WarnAboutMissingKeys();
    }

    /// <summary>Raised when an agent changes status.</summary>
    public event EventHandler<AgentStatusChangedEventArgs>? AgentStatusChanged;

    /// <summary>Raised once per crossing of an alert threshold of the global or an agent's budget.</summary>
    public event EventHandler<BudgetAlert>? BudgetAlert;

    /// <summary>Raised when a provider endpoint's circuit breaker changes state (opened, half-opened, closed).</summary>
    public event EventHandler<ProviderStateChangedEventArgs>? ProviderStateChanged;

    /// <summary>The configuration in force.</summary>
    public RuntimeConfig Config => _config;

    /// <summary>The LLM router every call goes through.</summary>
    public LlmRouter Router { get; }

    /// <summary>
    /// The loopback proxy through which process agents reach the router. It starts with the first process agent (or
    /// with the host, see <see cref="LlmProxyOptions.StartWithHost"/>); start it yourself to hand its base URLs and a
    /// token from <see cref="LlmProxy.IssueToken"/> to a program the runtime does not start.
    /// </summary>
    public LlmProxy Proxy { get; }

    /// <summary>The service provider the runtime owns when built without a host (disposed with it).</summary>
    internal ServiceProvider? OwnedServices { get; set; }

    /// <summary>A builder for a runtime without a host: configure it, then <see cref="IronRuntimeBuilder.Build"/>.</summary>
    /// <returns>A new builder.</returns>
    public static IronRuntimeBuilder CreateBuilder() => IronRuntimeBuilder.CreateStandalone();

    /// <summary>Starts an in-process agent: <paramref name="agent"/> runs on the thread pool with its own governed <see cref="AgentContext.HttpClient"/>.</summary>
    /// <param name="agent">The agent's body. Returning ends it (Exited, exit code 0); throwing fails it.</param>
    /// <param name="options">Id, name, budget; null for defaults.</param>
    /// <param name="cancellationToken">Cancels the start (not the agent).</param>
    /// <returns>The agent's handle.</returns>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters",
        Justification = "The overloads differ in their first, required parameter (an agent delegate, a file path): no call can be ambiguous.")]
    public Task<AgentHandle> StartAgentAsync(Func<AgentContext, Task> agent, AgentOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        cancellationToken.ThrowIfCancellationRequested();
        options ??= new AgentOptions();
        var handle = Register(options, AgentKind.InProcess);
        var client = Router.CreateClient(handle.AgentId);
        handle.Client = client;
        var context = new AgentContext(handle.AgentId, handle.Name, client, _loggerFactory.CreateLogger("IronRuntime.Agent." + handle.Name), handle.Stopping.Token);
        Transition(handle, AgentStatus.Starting, AgentStatus.Running);
        CoreLog.AgentStarted(_logger, handle.AgentId, handle.Name);
        _ = Task.Run(() => RunInProcessAsync(handle, agent, context), CancellationToken.None);
        return Task.FromResult(handle);
    }

    /// <summary>
    /// Stops an agent. An in-process agent is asked to stop (its <see cref="AgentContext.StoppingToken"/>) and abandoned
    /// after its stop timeout. A process agent gets SIGTERM (on Unix, to its whole process group); after its stop
    /// timeout (at once on Windows) its whole process tree is killed.
    /// </summary>
    /// <param name="agentId">The agent.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task completing when the agent has ended or been abandoned.</returns>
    public async Task StopAgentAsync(string agentId, CancellationToken cancellationToken = default)
    {
        var handle = GetAgent(agentId) ?? throw new KeyNotFoundException($"No agent with id '{agentId}'.");
        if (handle.HasEnded)
        {
            await handle.WaitForExitAsync(cancellationToken).ConfigureAwait(false); // its end's event may still be running
            return;
        }

        handle.TryRequestStop();
        if (!Transition(handle, AgentStatus.Running, AgentStatus.Stopping))
        {
            Transition(handle, AgentStatus.Starting, AgentStatus.Stopping);
        }

        await handle.Stopping.CancelAsync().ConfigureAwait(false);
        if (handle.ProcessStart is { } processStart)
        {
            await StopProcessAsync(handle, processStart.Task, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await handle.WaitForExitAsync(cancellationToken).WaitAsync(handle.StopTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            CoreLog.AgentStopTimedOut(_logger, agentId, handle.StopTimeout.TotalMilliseconds);
            End(handle, AgentStatus.Stopped, null, null);
        }
    }

    /// <summary>The agent with <paramref name="agentId"/>, or null.</summary>
    /// <param name="agentId">The agent id.</param>
    /// <returns>Its handle, or null.</returns>
    public AgentHandle? GetAgent(string agentId) => _agents.GetValueOrDefault(agentId);

    /// <summary>Every agent started by this runtime, running or ended.</summary>
    /// <returns>A snapshot of the handles.</returns>
    public IReadOnlyList<AgentHandle> ListAgents() => [.. _agents.Values.OrderBy(a => a.StartedAt)];

    /// <summary>What an agent has consumed so far: spend, tokens, requests, detections.</summary>
    /// <param name="agentId">The agent.</param>
    /// <returns>Its metrics (zeros for an agent that made no call).</returns>
    public AgentMetrics GetMetrics(string agentId)
    {
        ArgumentNullException.ThrowIfNull(agentId);
        _restorer.EnsureRestored();
        return _metrics.Get(agentId);
    }

    /// <summary>Runtime-wide totals, including calls made outside any agent.</summary>
    /// <returns>The totals; <see cref="AgentMetrics.AgentId"/> is null.</returns>
    public AgentMetrics GetTotals()
    {
        _restorer.EnsureRestored();
        return _metrics.Get(null);
    }

    /// <summary>Sets or clears an agent's budget (or the global one, with a null id) while the runtime runs.</summary>
    /// <param name="agentId">The agent, or null for the global budget.</param>
    /// <param name="limit">The limit in USD, or null for none.</param>
    public void SetBudget(string? agentId, decimal? limit) => _ledger.SetLimit(agentId, limit);

    /// <summary>The state of an agent's budget (or the global one, with a null id).</summary>
    /// <param name="agentId">The agent, or null for the global budget.</param>
    /// <returns>Limit, spent and reserved.</returns>
    public BudgetSnapshot GetBudget(string? agentId = null)
    {
        _restorer.EnsureRestored();
        return _ledger.GetSnapshot(agentId);
    }

    /// <summary>The circuit-breaker state of every provider endpoint the runtime calls.</summary>
    /// <returns>A snapshot, the built-in endpoints (<c>openai</c>, <c>anthropic</c>) first.</returns>
    public IReadOnlyList<ProviderEndpointHealth> GetProviderStates() => _providerHealth.GetStates();

    /// <summary>
    /// A client whose LLM calls are governed like an agent's, for application code outside any agent
    /// (attributed to <paramref name="agentId"/> when given).
    /// </summary>
    /// <param name="agentId">Who the calls are attributed to, or null.</param>
    /// <returns>A new client; dispose it when done.</returns>
    public HttpClient CreateHttpClient(string? agentId = null) => Router.CreateClient(agentId);

    /// <summary>Stops every agent and releases the runtime.</summary>
    /// <returns>A task completing when done.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await StopAllAgentsAsync(CancellationToken.None).ConfigureAwait(false);
        AgentHandle[] runs;
        lock (_runs)
        {
            runs = [.. _runs];
        }

        foreach (var agent in runs)
        {
            agent.Client?.Dispose();
            agent.Stopping.Dispose();
        }

        _ledger.ThresholdCrossed -= OnThresholdCrossed;
        _budgetDenials.BudgetDenied -= OnBudgetDenied;
        _providerHealth.StateChanged -= OnProviderStateChanged;
        if (OwnedServices is { } services)
        {
            await services.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops every agent that has not ended (for disposal and host shutdown).</summary>
    internal Task StopAllAgentsAsync(CancellationToken cancellationToken)
        => Task.WhenAll(_agents.Values.Where(a => !a.HasEnded).Select(a => StopAgentAsync(a.AgentId, cancellationToken)));

    private AgentHandle Register(AgentOptions options, AgentKind kind, OutputBuffer? output = null)
    {
        _restorer.EnsureRestored(); // an agent restarted under its id continues its metrics and budget
        string id = options.AgentId ?? "agent-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var handle = new AgentHandle(id, options.Name ?? id, _timeProvider.GetUtcNow())
        {
            Kind = kind,
            StopTimeout = options.StopTimeout,
            StopWhenBudgetExhausted = options.StopWhenBudgetExhausted,
            Output = output,
            ProcessStart = output is null ? null : new TaskCompletionSource<AgentProcess?>(TaskCreationOptions.RunContinuationsAsynchronously),
        };
        if (!_agents.TryAdd(id, handle) && !(_agents.TryGetValue(id, out var ended) && ended.HasEnded && _agents.TryUpdate(id, handle, ended)))
        {
            throw new ArgumentException($"An agent with id '{id}' is already running in this runtime.", nameof(options));
        }

        lock (_runs)
        {
            _runs.Add(handle);
        }

        ApplyAgentLimits(id, options);

        return handle;
    }

    /// <summary>Once, at start: a provider without a key gets every call refused (401, nothing sent) — say so up front.</summary>
    private void WarnAboutMissingKeys()
    {
        if (_config.Router.UseSimulatedProvider)
        {
            return;
        }

        if (string.IsNullOrEmpty(_config.Router.OpenAI.ApiKey))
        {
            CoreLog.ProviderKeyMissing(_logger, IronRuntime.Router.LlmProvider.OpenAI, "OPENAI_API_KEY", "Router:OpenAI:ApiKey");
        }

        if (string.IsNullOrEmpty(_config.Router.Anthropic.ApiKey))
        {
            CoreLog.ProviderKeyMissing(_logger, IronRuntime.Router.LlmProvider.Anthropic, "ANTHROPIC_API_KEY", "Router:Anthropic:ApiKey");
        }
    }

    private async Task RunInProcessAsync(AgentHandle handle, Func<AgentContext, Task> agent, AgentContext context)
    {
        try
        {
            await agent(context).ConfigureAwait(false);
            End(handle, handle.Stopping.IsCancellationRequested ? AgentStatus.Stopped : AgentStatus.Exited, 0, null);
        }
        catch (OperationCanceledException) when (handle.Stopping.IsCancellationRequested)
        {
            End(handle, AgentStatus.Stopped, null, null);
        }
        catch (Exception ex)
        {
            // The agent's own code failed (not the runtime): a Warning with the exception, before the handle ends.
            CoreLog.AgentThrew(_logger, ex, handle.AgentId, ex.GetType().Name, ex.Message);
            End(handle, AgentStatus.Failed, null, ex);
        }
    }

    private void End(AgentHandle handle, AgentStatus status, int? exitCode, Exception? fault)
    {
        if (!handle.TrySetEnded(status, exitCode, fault, _timeProvider.GetUtcNow()))
        {
            return;
        }

        try
        {
            CoreLog.AgentEnded(_logger, handle.AgentId, status, exitCode);
            RaiseStatusChanged(handle, status);
        }
        finally
        {
            handle.ReleaseWaiters(); // last: whoever awaited the end sees its event handled and its run recorded
        }
    }

    private bool Transition(AgentHandle handle, AgentStatus from, AgentStatus to)
    {
        if (!handle.TrySetStatus(from, to))
        {
            return false;
        }

        RaiseStatusChanged(handle, to);
        return true;
    }

    private void RaiseStatusChanged(AgentHandle handle, AgentStatus status)
    {
        _store?.AppendAgentRun(ToRunRecord(handle));
        try
        {
            AgentStatusChanged?.Invoke(this, new AgentStatusChangedEventArgs(handle, status));
        }
        catch (Exception ex)
        {
            CoreLog.StatusHandlerFailed(_logger, ex, handle.AgentId);
        }
    }

    private void OnBudgetDenied(object? sender, string agentId)
    {
        if (GetAgent(agentId) is not { StopWhenBudgetExhausted: true, HasEnded: false, StopRequested: false })
        {
            return;
        }

        CoreLog.AgentBudgetStop(_logger, agentId);
        _ = Task.Run(async () =>
        {
            try
            {
                await StopAgentAsync(agentId).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                CoreLog.AgentStopFailed(_logger, ex, agentId);
            }
        });
    }

    private void OnProviderStateChanged(object? sender, ProviderStateChangedEventArgs change) => ProviderStateChanged?.Invoke(this, change);

    private void OnThresholdCrossed(object? sender, BudgetAlert alert)
    {
        CoreLog.BudgetThreshold(_logger, alert.AgentId is null ? "the global budget" : $"agent '{alert.AgentId}'", alert.Threshold * 100m, alert.Limit, alert.Spent);
        BudgetAlert?.Invoke(this, alert);
    }
}
