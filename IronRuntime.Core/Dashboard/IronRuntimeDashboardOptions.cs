using Microsoft.AspNetCore.Http;

namespace IronRuntime.Dashboard;

/// <summary>
/// Who may use the dashboard mapped by <c>MapIronRuntimeDashboard</c>, and from which web origins. Safe by default:
/// with no authorization configured only local (loopback) requests are served, the event stream's WebSocket handshake
/// must come from the dashboard's own origin (or carry none), and state-changing requests need
/// <see cref="RequestHeaderName"/>.
/// </summary>
public sealed class IronRuntimeDashboardOptions
{
    /// <summary>
    /// The header every state-changing request (<c>POST {prefix}/agents/{id}/stop</c>, <c>POST {prefix}/budget</c>) must carry, with the value
    /// <c>1</c>: a cross-site form cannot set a header, and a cross-site script that tries triggers a CORS preflight
    /// the dashboard never grants.
    /// </summary>
    public const string RequestHeaderName = "X-IronRuntime-Request";

    /// <summary>
    /// Decides whether a request may use the dashboard (true: served; false: 403). Null (the default): requests are
    /// served when the dashboard's endpoints require authorization (<see cref="AuthorizationPolicy"/>, or
    /// <c>RequireAuthorization()</c> on the returned group) — the authorization middleware then decides — and
    /// otherwise only when they come from a loopback address. Behind a reverse proxy on the same machine every request
    /// looks local: call <c>UseForwardedHeaders()</c> first, or configure authorization.
    /// </summary>
    public Func<HttpContext, bool>? Authorize { get; set; }

    /// <summary>
    /// When true, the dashboard changes nothing: the state-changing endpoints (stop an agent, set a budget) answer 403
    /// and the page shows no stop buttons or budget forms. Default false (whoever may use the dashboard may act).
    /// </summary>
    public bool ReadOnly { get; set; }

    /// <summary>The name of an authorization policy every dashboard endpoint requires; null for none.</summary>
    public string? AuthorizationPolicy { get; set; }

    /// <summary>
    /// Further web origins (<c>scheme://host[:port]</c>) allowed to open the event stream and to send state-changing
    /// requests, besides the dashboard's own (the request's scheme and <c>Host</c>). Requests without an
    /// <c>Origin</c> header (not from a browser) are not restricted by origin.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];
}
