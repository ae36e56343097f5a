using System.Globalization;
using System.Net.Sockets;
using System.Security.Authentication;

namespace IronRuntime.Router.Upstream;

/// <summary>
/// Says in words why an endpoint could not be reached — name resolution, a refused connection, TLS, the connect
/// timeout — naming the host (and port), for the message of the runtime's 502 <c>iron_runtime_provider_unreachable</c>.
/// </summary>
internal static class UnreachableCause
{
    /// <summary>The cause of <paramref name="error"/>, an exception of a send to <paramref name="target"/>.</summary>
    /// <param name="error">What the send threw.</param>
    /// <param name="target">The address the send went to.</param>
    /// <param name="connectTimeout">The configured connect timeout.</param>
    /// <returns>For example <c>the host name api.example.invalid could not be resolved (DNS: Name or service not known)</c>.</returns>
    public static string Describe(Exception error, Uri target, TimeSpan connectTimeout)
    {
        string host = target.Host;
        string endpoint = string.Create(CultureInfo.InvariantCulture, $"{host}:{target.Port}");
        var socket = Find<SocketException>(error);
        var request = Find<HttpRequestException>(error);
        string detail = (socket ?? Innermost(error)).Message;

        if (request?.HttpRequestError == HttpRequestError.NameResolutionError
            || socket?.SocketErrorCode is SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData)
        {
            return $"the host name {host} could not be resolved (DNS: {detail})";
        }

        if (socket?.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return $"the connection to {endpoint} was refused (nothing accepts connections there)";
        }

        if (request?.HttpRequestError == HttpRequestError.SecureConnectionError || Find<AuthenticationException>(error) is not null)
        {
            return $"the TLS handshake with {endpoint} failed ({detail})";
        }

        if (IsConnectTimeout(error))
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"no connection to {endpoint} within the connect timeout of {connectTimeout.TotalSeconds:0.###} s (Resilience:ConnectTimeout)");
        }

        if (request?.HttpRequestError == HttpRequestError.ConnectionError || socket is not null)
        {
            return $"the connection to {endpoint} failed ({detail})";
        }

        return $"{endpoint} did not give a complete answer ({detail})";
    }

    /// <summary>
    /// Whether <paramref name="error"/> is <c>SocketsHttpHandler</c>'s connect timeout: a cancellation whose cause is a
    /// <see cref="TimeoutException"/>, which the caller's own cancellation never carries.
    /// </summary>
    public static bool IsConnectTimeout(Exception error)
        => error is OperationCanceledException && Find<TimeoutException>(error) is not null;

    private static T? Find<T>(Exception? error)
        where T : Exception
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is T found)
            {
                return found;
            }
        }

        return null;
    }

    private static Exception Innermost(Exception error)
    {
        while (error.InnerException is { } inner)
        {
            error = inner;
        }

        return error;
    }
}
