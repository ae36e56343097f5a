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
    /// Maps the dashboard: <c>GET {prefix}/agents</c> (<c>?past=true</c>: every run, earlier runtimes' included, see
    /// <see cref="AgentRuntime.ListAgentHistory"/>), <c>GET {prefix}/agents/{id}</c>,
    /// <c>POST {prefix}/agents/{id}/stop</c>, <c>GET {prefix}/metrics</c>, <c>GET {prefix}/providers</c>,
    /// <c>GET {prefix}/audit?agentId=</c> (recent PII audit events, never values) (JSON), and
    /// <c>GET {prefix}/events</c>, a WebSocket stream of JSON events (<c>call.completed</c>, <c>agent.status</c>,
    /// <c>budget.alert</c>, <c>provider.state</c>; never prompt or response content). Call
    /// <c>app.UseWebSockets()</c> before it, and secure the returned group (for example
    /// <c>.RequireAuthorization()</c>): it can stop agents.
    /// </summary>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <param name="prefix">The route prefix (default <c>/ironruntime</c>).</param>
    /// <returns>The route group, for conventions such as authorization.</returns>
    public static RouteGroupBuilder MapIronRuntimeDashboard(this IEndpointRouteBuilder endpoints, string prefix = "/ironruntime")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(prefix);
        group.MapGet("/agents", (AgentRuntime runtime, bool? past) => past == true
            ? Results.Json(runtime.ListAgentHistory().Select(r => new
            {
                r.AgentId,
                r.Name,
                Kind = r.Kind.ToString(),
                Status = r.Status.ToString(),
                r.StartedAt,
                r.EndedAt,
                r.ExitCode,
                r.Fault,
                r.Interrupted,
            }))
            : Results.Json(runtime.ListAgents().Select(a => Describe(runtime, a))));
        group.MapGet("/agents/{id}", (AgentRuntime runtime, string id) =>
            runtime.GetAgent(id) is { } agent ? Results.Json(Describe(runtime, agent)) : Results.NotFound(new { error = $"No agent with id '{id}'." }));
        group.MapPost("/agents/{id}/stop", async (AgentRuntime runtime, string id, CancellationToken cancellationToken) =>
        {
            if (runtime.GetAgent(id) is not { } agent)
            {
                return Results.NotFound(new { error = $"No agent with id '{id}'." });
            }

            await runtime.StopAgentAsync(id, cancellationToken).ConfigureAwait(false);
            return Results.Json(Describe(runtime, agent));
        });
        group.MapGet("/metrics", (AgentRuntime runtime) =>
        {
            var budget = runtime.GetBudget();
            return Results.Json(new { totals = runtime.GetTotals(), budget = new { budget.Limit, budget.Spent, budget.Reserved, budget.Remaining } });
        });
        group.MapGet("/providers", (AgentRuntime runtime) => Results.Json(runtime.GetProviderStates().Select(p => new
        {
            p.Endpoint,
            Provider = p.Provider.ToString(),
            State = p.State.ToString(),
            RetryAfterSeconds = p.RetryAfter?.TotalSeconds,
        })));
        group.MapGet("/audit", (IronRuntime.Pii.IPiiAuditLog audit, string? agentId) => Results.Json(audit.GetRecent(agentId).Select(e => new
        {
            e.Timestamp,
            e.AgentId,
            Direction = e.Direction.ToString(),
            e.EntityType,
            e.Position,
            e.ValueHash,
            Mode = e.Mode.ToString(),
        })));
        group.Map("/events", StreamEventsAsync);
        return group;
    }

    private static object Describe(AgentRuntime runtime, AgentHandle agent) => new
    {
        agent.AgentId,
        agent.Name,
        Kind = agent.Kind.ToString(),
        Status = agent.Status.ToString(),
        agent.StartedAt,
        agent.EndedAt,
        agent.ExitCode,
        Fault = agent.Fault?.Message,
        Metrics = runtime.GetMetrics(agent.AgentId),
    };

    private static async Task StreamEventsAsync(HttpContext context)
    {
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
