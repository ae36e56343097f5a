using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace IronRuntime.Router.Proxy;

/// <summary>Which headers cross the proxy, in each direction.</summary>
internal static class ProxyHeaders
{
    /// <summary>Connection-level headers (RFC 9110 §7.6.1), never forwarded either way.</summary>
    private static readonly string[] HopByHop =
    [
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade",
    ];

    /// <summary>
    /// Request headers the proxy drops: hop-by-hop ones, <c>Host</c>, <c>Content-Length</c> (set on the content) and
    /// <c>Expect</c> (Kestrel answered it), the agent's credentials (the router injects the real key), and
    /// <c>Accept-Encoding</c>: the router must read the provider's answer uncompressed to meter it.
    /// </summary>
    internal static readonly FrozenSet<string> DroppedRequestHeaders = HopByHop
        .Concat(["Host", "Content-Length", "Expect", "Authorization", "x-api-key", "api-key", "Accept-Encoding"])
        .ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Response headers the proxy drops: hop-by-hop ones and <c>Content-Length</c> (set from the content).</summary>
    // Stryker disable once Linq : Append or Prepend, the set has the same members
    private static readonly FrozenSet<string> DroppedResponseHeaders = HopByHop
        .Append("Content-Length")
        .ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Copies the agent's request headers that may go upstream onto <paramref name="message"/>.</summary>
    public static void CopyRequestHeaders(IHeaderDictionary source, HttpRequestMessage message)
    {
        foreach (var (name, values) in source)
        {
            if (DroppedRequestHeaders.Contains(name))
            {
                continue;
            }

            // Content headers (Content-Type, ...) are refused by the request's header collection and go on the content.
            if (!Add(message.Headers, name, values) && message.Content is { } content)
            {
                Add(content.Headers, name, values);
            }
        }
    }

    /// <summary>Copies the response headers (the message's and its content's) onto the agent's response.</summary>
    public static void CopyResponseHeaders(HttpResponseMessage response, IHeaderDictionary target)
    {
        Copy(response.Headers, target);
        Copy(response.Content.Headers, target);
    }

    private static void Copy(System.Net.Http.Headers.HttpHeaders source, IHeaderDictionary target)
    {
        foreach (var (name, values) in source.NonValidated)
        {
            if (DroppedResponseHeaders.Contains(name))
            {
                continue;
            }

            target[name] = values.Count == 1 ? new StringValues(values.ToString()) : new StringValues([.. values]);
        }
    }

    private static bool Add(System.Net.Http.Headers.HttpHeaders headers, string name, StringValues values)
        => values.Count == 1
            ? headers.TryAddWithoutValidation(name, values.ToString())
            : headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
}
