using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using IronRuntime.Agents;
using IronRuntime.Agents.Processes;
using IronRuntime.Internal;
using Microsoft.Extensions.Logging;

namespace IronRuntime;

public sealed partial class AgentRuntime
{
    /// <summary>
    /// Starts an agent as a child process: <c>.py</c> with Python, <c>.js</c>/<c>.mjs</c>/<c>.cjs</c> with Node, anything
    /// else as an executable. The process finds the loopback proxy and its own token in <c>OPENAI_BASE_URL</c>,
    /// <c>OPENAI_API_KEY</c>, <c>ANTHROPIC_BASE_URL</c> and <c>ANTHROPIC_API_KEY</c> (its id in <c>IRON_AGENT_ID</c>), so
    /// the official SDKs send every call through the runtime without a code change; the real keys are removed from
    /// its environment.
    /// </summary>
    /// <param name="path">The agent's file.</param>
    /// <param name="options">Interpreter, arguments, working directory, environment, id, budget, stop timeout; null for defaults.</param>
    /// <param name="cancellationToken">Cancels the start (not the agent).</param>
    /// <returns>The agent's handle, once its process runs.</returns>
    /// <exception cref="FileNotFoundException">The file or its interpreter does not exist.</exception>
    /// <exception cref="DirectoryNotFoundException">The working directory does not exist.</exception>
    /// <exception cref="ArgumentException">The id is taken, the file is not executable, or an extra environment value, an argument or the interpreter carries a real key.</exception>
    /// <exception cref="InvalidOperationException">The process could not be started, or the host may not run it as <see cref="ProcessAgentOptions.User"/>.
    /// On Linux the agent is started through <c>setsid</c>: an executable file the kernel then cannot run (its <c>#!</c> line
    /// names a missing program) does not throw; the agent starts and ends <see cref="AgentStatus.Exited"/> with exit code 127,
    /// the reason on its standard error.</exception>
    /// <exception cref="PlatformNotSupportedException"><see cref="ProcessAgentOptions.User"/> or <see cref="ProcessAgentOptions.Group"/> is set and this is not Linux.</exception>
    /// <remarks>
    /// Nothing is left behind when the start fails: no agent is registered and no process runs. On Linux the first
    /// process agent hardens the host as <see cref="RuntimeConfig.ProcessHardening"/> says (non-dumpable, child
    /// subreaper); stopping an agent kills every process it started, including those that left its session.
    /// </remarks>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters",
        Justification = "The overloads differ in their first, required parameter (a file path, an agent delegate): no call can be ambiguous.")]
    public async Task<AgentHandle> StartAgentAsync(string path, ProcessAgentOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        cancellationToken.ThrowIfCancellationRequested();
        options ??= new ProcessAgentOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.OutputLinesKept, nameof(options));
        var command = AgentCommand.Resolve(path, options);
        string[] secrets = RealKeys();
        AgentEnvironment.EnsureNoSecrets(options.Environment, secrets);
        AgentEnvironment.EnsureNoSecrets(options.Arguments, options.Interpreter, secrets);
        await Proxy.StartAsync(cancellationToken).ConfigureAwait(false);
        HostHardening.Apply(_config.ProcessHardening, _logger); // before the first agent can look at the host

        var handle = Register(options, AgentKind.Process, new OutputBuffer(options.OutputLinesKept));
        var agentLogger = _loggerFactory.CreateLogger("IronRuntime.Agent." + handle.Name);
        string token = Proxy.IssueToken(handle.AgentId);
        AgentProcess process;
        try
        {
            Uri openAI = Proxy.OpenAIBaseUrl, anthropic = Proxy.AnthropicBaseUrl;
            process = AgentProcess.Start(
                command,
                environment => AgentEnvironment.Apply(environment, secrets, options.Environment, openAI, anthropic, token, handle.AgentId),
                (isError, line) => OnOutput(handle, agentLogger, isError, line),
                _timeProvider);
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException or IOException)
        {
            Proxy.RevokeToken(token);
            Unregister(handle, options);
            throw new InvalidOperationException($"Agent '{handle.AgentId}' could not be started ({command.FileName}): {ex.Message}", ex);
        }

        handle.AttachProcess(process);
        CoreLog.AgentProcessStarted(_logger, handle.AgentId, handle.Name, process.Id, command.FileName);
        Transition(handle, AgentStatus.Starting, AgentStatus.Running);
        _ = MonitorAsync(handle, process);
        if (Volatile.Read(ref _disposed) == 1)
        {
            await StopAgentAsync(handle.AgentId, CancellationToken.None).ConfigureAwait(false); // raced with DisposeAsync
        }

        return handle;
    }

    private async Task StopProcessAsync(AgentHandle handle, Task<AgentProcess?> processStart, CancellationToken cancellationToken)
    {
        if (await processStart.WaitAsync(cancellationToken).ConfigureAwait(false) is not { } process)
        {
            return; // the start failed; nothing runs
        }

        if (process.Terminate())
        {
            try
            {
                await handle.WaitForExitAsync(cancellationToken).WaitAsync(handle.StopTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (TimeoutException)
            {
                CoreLog.AgentKilled(_logger, handle.AgentId, handle.StopTimeout.TotalMilliseconds);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                process.Kill(); // the caller (say, a host shutting down) cannot wait: no grace left, but no orphan either
                throw;
            }
        }

        process.Kill();
        await handle.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits for the process to end, then revokes its token and records the end.</summary>
    private async Task MonitorAsync(AgentHandle handle, AgentProcess process)
    {
        try
        {
            int exitCode = await process.Exited.ConfigureAwait(false);
            Proxy.RevokeTokens(handle.AgentId);
            if (process.LeftSurvivors)
            {
                CoreLog.AgentProcessesSurvived(_logger, handle.AgentId);
            }

            End(handle, handle.StopRequested ? AgentStatus.Stopped : AgentStatus.Exited, exitCode, null);
        }
        catch (Exception ex)
        {
            Proxy.RevokeTokens(handle.AgentId);
            CoreLog.AgentFailed(_logger, ex, handle.AgentId);
            End(handle, AgentStatus.Failed, null, ex);
        }
        finally
        {
            process.Dispose();
        }
    }

    private void OnOutput(AgentHandle handle, ILogger agentLogger, bool isError, string line)
    {
        handle.Output!.Add(_timeProvider, isError, line);
        CoreLog.AgentOutput(agentLogger, handle.AgentId, isError ? "stderr" : "stdout", line);
    }

    /// <summary>Forgets an agent whose start failed, as if it had never been registered.</summary>
    private void Unregister(AgentHandle handle, AgentOptions options)
    {
        _agents.TryRemove(new KeyValuePair<string, AgentHandle>(handle.AgentId, handle));
        lock (_runs)
        {
            _runs.Remove(handle);
        }
        if ((options.Budget ?? _config.DefaultAgentBudget) is not null && _ledger is not Budget.ISharedLimits)
        {
            _ledger.SetLimit(handle.AgentId, null); // a fleet's limit stays: other instances hold it too
        }

        handle.ProcessStart?.TrySetResult(null);
        handle.Stopping.Dispose();
    }

    /// <summary>The real provider keys, which no agent may see.</summary>
    private string[] RealKeys()
        => new[] { _config.Router.OpenAI.ApiKey, _config.Router.Anthropic.ApiKey }
            .Where(k => !string.IsNullOrEmpty(k))
            .Select(k => k!)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
}
