using System.Net.WebSockets;
using IronRuntime;
using IronRuntime.Agents;
using IronRuntime.Dashboard;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the IronRuntime dashboard API into an ASP.NET Core application.</summary>
public static class IronRuntimeDashboardEndpoints
{
    /// <summary>
    /// Maps the dashboard: the page at <c>GET {prefix}/</c> (embedded, no CDN, strict Content-Security-Policy),
    /// <c>GET {prefix}/agents</c> (<c>?past=true</c>: every run, earlier runtimes' included, see
    /// <see cref="AgentRuntime.ListAgentHistory"/>), <c>GET {prefix}/agents/{id}</c>,
    /// <c>POST {prefix}/agents/{id}/stop</c>, <c>POST {prefix}/budget</c> (<c>{"agentId":null,"limit":5.0}</c>: sets or,
    /// with a null limit, clears the global or an agent's budget), <c>GET {prefix}/metrics</c>, <c>GET {prefix}/providers</c>,
    /// <c>GET {prefix}/audit?agentId=</c> (recent PII audit events, never values),
    /// <c>GET {prefix}/calls</c> (recorded calls, newest first; filters <c>agent</c>, <c>model</c>, <c>from</c>,
    /// <c>to</c>; paged with <c>cursor</c>/<c>limit</c>; never content) and <c>GET {prefix}/spend</c> (spend series:
    /// <c>by=agent|model</c>, <c>bucket=minute|hour|day</c>, <c>from</c>, <c>to</c>) — both over the SQLite state
    /// store (<c>UseSqliteState</c>) — (JSON), and
    /// <c>GET {prefix}/events</c>, a WebSocket stream of JSON events (<c>call.completed</c>, <c>agent.status</c>,
    /// <c>budget.alert</c>, <c>provider.state</c>; never prompt or response content). Call
    /// <c>app.UseWebSockets()</c> before it. Safe by default: local (loopback) requests only, unless authorization is
    /// configured (<c>.RequireAuthorization()</c> on the returned group, or <paramref name="configure"/>); see
    /// <see cref="IronRuntimeDashboardOptions"/>.
    /// </summary>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <param name="prefix">The route prefix (default <c>/ironruntime</c>).</param>
    /// <param name="configure">Sets the access options (authorization predicate or policy, allowed origins); null for the defaults.</param>
    /// <returns>The route group, for conventions such as authorization.</returns>
    public static RouteGroupBuilder MapIronRuntimeDashboard(
        this IEndpointRouteBuilder endpoints,
        string prefix = "/ironruntime",
        Action<IronRuntimeDashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = new IronRuntimeDashboardOptions();
        configure?.Invoke(options);
        var guard = new DashboardGuard(options);
        var group = endpoints.MapGroup(prefix);
        if (options.AuthorizationPolicy is { } policy)
        {
            group.RequireAuthorization(policy);
        }

        group.MapGet("/agents", (HttpContext context, AgentRuntime runtime, bool? past) =>
            guard.Check(context) ?? (past == true
                ? Results.Json(runtime.ListAgentHistory().Select(DashboardAgent.Of))
                : Results.Json(runtime.ListAgents().Select(a => DashboardAgent.Of(runtime, a)))));
        group.MapGet("/agents/{id}", (HttpContext context, AgentRuntime runtime, string id) =>
            guard.Check(context) ?? (runtime.GetAgent(id) is { } agent ? Results.Json(DashboardAgent.Of(runtime, agent)) : NoSuchAgent(id)));
        group.MapPost("/agents/{id}/stop", async (HttpContext context, AgentRuntime runtime, string id, CancellationToken cancellationToken) =>
        {
            if (guard.Check(context, stateChanging: true) is { } refused)
            {
                return refused;
            }

            if (runtime.GetAgent(id) is not { } agent)
            {
                return NoSuchAgent(id);
            }

            await runtime.StopAgentAsync(id, cancellationToken).ConfigureAwait(false);
            return Results.Json(DashboardAgent.Of(runtime, agent));
        });
        group.MapGet("/metrics", (HttpContext context, AgentRuntime runtime) =>
        {
            if (guard.Check(context) is { } refused)
            {
                return refused;
            }

            var budget = runtime.GetBudget();
            return Results.Json(new
            {
                totals = runtime.GetTotals(),
                budget = new { budget.Limit, budget.Spent, budget.Reserved, budget.Remaining },
                alertThresholds = runtime.Config.EffectiveAlertThresholds,
            });
        });
        group.MapGet("/providers", (HttpContext context, AgentRuntime runtime) => guard.Check(context) ?? Results.Json(runtime.GetProviderStates().Select(p => new
        {
            p.Endpoint,
            Provider = p.Provider.ToString(),
            State = p.State.ToString(),
            RetryAfterSeconds = p.RetryAfter?.TotalSeconds,
        })));
        group.MapGet("/audit", (HttpContext context, IronRuntime.Pii.IPiiAuditLog audit, string? agentId) => guard.Check(context) ?? Results.Json(audit.GetRecent(agentId).Select(e => new
        {
            e.Timestamp,
            e.AgentId,
            Direction = e.Direction.ToString(),
            e.EntityType,
            e.Position,
            e.ValueHash,
            Mode = e.Mode.ToString(),
        })));
        group.Map("/events", context => StreamEventsAsync(context, guard));
        DashboardHistoryEndpoints.Map(group, guard);
        DashboardBudgetEndpoint.Map(group, guard);
        DashboardPage.Map(group, guard, options);
        return group;
    }

    private static IResult NoSuchAgent(string id) => Results.NotFound(new { error = $"No agent with id '{id}'." });

    private static async Task StreamEventsAsync(HttpContext context, DashboardGuard guard)
    {
        if (guard.Check(context, webSocket: true) is { } refused)
        {
            await refused.ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("Connect with a WebSocket to receive IronRuntime events.", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var runtime = context.RequestServices.GetRequiredService<AgentRuntime>();
        var stream = context.RequestServices.GetRequiredService<RuntimeEventStream>();
        stream.Attach(runtime);
        using var subscription = stream.Subscribe();
        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);

        // Stop sending when the client closes (or the connection drops).
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var watcher = WatchForCloseAsync(socket, stop);
        try
        {
            await foreach (var message in subscription.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // The dashboard went away or closed.
        }

        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).ConfigureAwait(false);
            }
            catch (WebSocketException)
            {
            }
        }

        await watcher.ConfigureAwait(false);
    }

    private static async Task WatchForCloseAsync(WebSocket socket, CancellationTokenSource stop)
    {
        var buffer = new byte[256];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, stop.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }

        await stop.CancelAsync().ConfigureAwait(false);
    }
}
