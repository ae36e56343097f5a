using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace IronRuntime.Dashboard;

/// <summary>The dashboard's access checks (<see cref="IronRuntimeDashboardOptions"/>): who, from which origin, with which header.</summary>
internal sealed class DashboardGuard
{
    private readonly IronRuntimeDashboardOptions _options;
    private readonly HashSet<string> _allowedOrigins;

    public DashboardGuard(IronRuntimeDashboardOptions options)
    {
        _options = options;
        _allowedOrigins = new HashSet<string>(options.AllowedOrigins.Select(Normalize), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Null when <paramref name="context"/> may proceed; otherwise the 403 to answer.</summary>
    /// <param name="context">The request.</param>
    /// <param name="stateChanging">Whether it changes state (needs the request header, and a trusted origin if it has one).</param>
    /// <param name="webSocket">Whether it opens the event stream (needs a trusted origin if it has one).</param>
    public IResult? Check(HttpContext context, bool stateChanging = false, bool webSocket = false)
    {
        if (!IsAuthorized(context))
        {
            return Refuse("The IronRuntime dashboard serves local requests only unless authorization is configured (IronRuntimeDashboardOptions.Authorize or AuthorizationPolicy, or RequireAuthorization()).");
        }

        if (stateChanging && _options.ReadOnly)
        {
            return Refuse("This dashboard is read-only (IronRuntimeDashboardOptions.ReadOnly).");
        }

        if ((stateChanging || webSocket) && context.Request.Headers.Origin is { Count: > 0 } origin && !IsTrustedOrigin(context, origin.ToString()))
        {
            return Refuse("The origin of this request is neither the dashboard's own nor one of IronRuntimeDashboardOptions.AllowedOrigins.");
        }

        if (stateChanging && context.Request.Headers[IronRuntimeDashboardOptions.RequestHeaderName] != "1")
        {
            return Refuse($"State-changing dashboard requests need the header '{IronRuntimeDashboardOptions.RequestHeaderName}: 1' (protection against cross-site requests).");
        }

        return null;
    }

    /// <summary>Whether the request may use the dashboard at all (before origin and header checks).</summary>
    public bool IsAuthorized(HttpContext context)
    {
        if (_options.Authorize is { } authorize)
        {
            return authorize(context);
        }

        var metadata = context.GetEndpoint()?.Metadata;
        if (metadata?.GetMetadata<IAuthorizeData>() is not null && metadata.GetMetadata<IAllowAnonymous>() is null)
        {
            return true; // the authorization middleware has already decided
        }

        return IsLocal(context);
    }

    /// <summary>Whether the request comes from a loopback address (IPv4, IPv6, or IPv4 mapped to IPv6). No address: not local.</summary>
    public static bool IsLocal(HttpContext context)
        => context.Connection.RemoteIpAddress is { } remote
            && IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote);

    private bool IsTrustedOrigin(HttpContext context, string origin)
    {
        string normalized = Normalize(origin);
        return _allowedOrigins.Contains(normalized)
            || string.Equals(normalized, Normalize(context.Request.Scheme + "://" + context.Request.Host.Value), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary><c>scheme://host[:port]</c> without a default port or trailing slash; anything unparsable (<c>null</c>) as it is.</summary>
    private static string Normalize(string origin)
        => Uri.TryCreate(origin.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri.GetLeftPart(UriPartial.Authority)
            : origin.Trim();

    private static IResult Refuse(string message) => Results.Json(new { error = message }, statusCode: StatusCodes.Status403Forbidden);
}
