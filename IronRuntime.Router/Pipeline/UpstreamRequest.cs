using System.Collections.Frozen;

namespace IronRuntime.Router.Pipeline;

/// <summary>
/// The request the router sends to the provider: a new message built from the caller's, which is never edited. The
/// real key goes on this message only; the caller's request (and the <see cref="HttpResponseMessage.RequestMessage"/>
/// it gets back) keep whatever the caller put there.
/// </summary>
internal static class UpstreamRequest
{
    /// <summary>Headers never copied: the caller's credentials (the router sets the real ones) and connection-level ones.</summary>
    internal static readonly FrozenSet<string> Dropped = new[]
    {
        "Authorization", "x-api-key", "api-key", "Proxy-Authorization", "Host", "Connection", "Keep-Alive",
        "Transfer-Encoding", "TE", "Upgrade", "Expect",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>A copy of <paramref name="caller"/> addressed to <paramref name="uri"/> with <paramref name="body"/> as its content.</summary>
    /// <param name="caller">The caller's request (read only).</param>
    /// <param name="uri">The provider's address.</param>
    /// <param name="body">The body read from the caller's content, or null.</param>
    /// <returns>The new message.</returns>
    public static RoutedRequestMessage Create(HttpRequestMessage caller, Uri uri, byte[]? body)
    {
        // A request of the loopback proxy is the router's own: built for this call from headers already filtered with
        // a superset of Dropped, and never read again by the proxy. It is pointed at the provider and sent as it is.
        if (caller is RoutedRequestMessage { Proxied: true } proxied)
        {
            return Reuse(proxied, uri, body);
        }

        var upstream = new RoutedRequestMessage(caller.Method, uri)
        {
            Version = caller.Version,
            VersionPolicy = caller.VersionPolicy,
        };

        foreach (var (name, values) in caller.Headers.NonValidated)
        {
            if (!Dropped.Contains(name))
            {
                upstream.Headers.TryAddWithoutValidation(name, values);
            }
        }

        if (body is not null)
        {
            var content = Internal.BufferedContent.Create(body); // the metering stage sends it as it is when no edit applies
            foreach (var (name, values) in caller.Content!.Headers.NonValidated)
            {
                if (!string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    content.Headers.TryAddWithoutValidation(name, values);
                }
            }

            upstream.Content = content;
        }

        // The caller's own options go along (a handler of the upstream client may read them); an empty set is not copied.
        var callerOptions = (IDictionary<string, object?>)caller.Options;
        if (callerOptions.Count > 0)
        {
            var options = (IDictionary<string, object?>)upstream.Options;
            foreach (var (key, value) in callerOptions)
            {
                options[key] = value;
            }
        }

        return upstream;
    }

    /// <summary>A request of the proxy (<see cref="RoutedRequestMessage.Proxied"/>) pointed at <paramref name="uri"/>, with the body read from its content as content.</summary>
    private static RoutedRequestMessage Reuse(RoutedRequestMessage owned, Uri uri, byte[]? body)
    {
        owned.RequestUri = uri;
        if (body is not null)
        {
            var content = Internal.BufferedContent.Create(body);
            var read = owned.Content!;
            Internal.HttpContents.CopyHeaders(read, content);
            read.Dispose();
            owned.Content = content;
        }

        return owned;
    }
}
