using System.Buffers;

namespace IronRuntime.Router.Providers;

/// <summary>
/// The path of a request as the router matches it: decoded once, and refused when decoding could change what the
/// provider sees — an encoded separator (<c>%2F</c>, <c>%5C</c>), a backslash, a dot segment, a control character or
/// a percent sign left after decoding (double encoding).
/// </summary>
/// <remarks>
/// Checked before anything else, so a refused path never gets a key: <c>GET /v1/models/..%2F..%2Fv1%2Ffiles</c> would
/// otherwise be forwarded as a models route and decoded by the provider into <c>/v1/files</c>.
/// </remarks>
internal static class RoutePath
{
    private static readonly SearchValues<char> PlainAuthority = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:");
    private static readonly SearchValues<char> PlainPath = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-/");

    /// <summary>
    /// The escaped path and the query of an absolute request URI: <see cref="Uri.AbsolutePath"/> and
    /// <see cref="Uri.Query"/>. The usual address — <c>http(s)://</c>, a host name and port, a path of letters, digits,
    /// <c>_</c>, <c>-</c> and <c>/</c>, no query — is its own canonical form (nothing to escape, no dot segment), so its
    /// path is read from the text as written instead of making the URI parse itself in full (about a fifth of the
    /// routing stage's own time in a profile, and two objects per call); any other address is read through
    /// <see cref="Uri"/>, and <c>RoutePathTests</c> hold the two to the same answers.
    /// </summary>
    /// <param name="uri">An absolute URI.</param>
    /// <param name="query">Its query, with the leading <c>?</c>, or empty.</param>
    /// <returns>Its path, escaped as sent.</returns>
    public static string AbsolutePathOf(Uri uri, out string query)
    {
        string text = uri.OriginalString;
        int authority = text.StartsWith("https://", StringComparison.Ordinal) ? 8 : text.StartsWith("http://", StringComparison.Ordinal) ? 7 : -1;
        int path = authority < 0 ? -1 : text.IndexOf('/', authority);
        if (path > authority
            && !text.AsSpan(authority, path - authority).ContainsAnyExcept(PlainAuthority)
            && !text.AsSpan(path).ContainsAnyExcept(PlainPath))
        {
            query = string.Empty;
            return text[path..];
        }

        query = uri.Query;
        return uri.AbsolutePath;
    }

    /// <summary>Decodes <paramref name="escapedPath"/> and checks it.</summary>
    /// <param name="escapedPath">The request URI's absolute path, as sent (percent-encoded).</param>
    /// <param name="decoded">The decoded path when it is acceptable.</param>
    /// <param name="problem">Why it is not, for the 400's message.</param>
    /// <returns>True when the path may be matched against the routes.</returns>
    public static bool TryDecode(string escapedPath, out string decoded, out string? problem)
    {
        decoded = string.Empty;
        bool escaped = escapedPath.Contains('%', StringComparison.Ordinal); // the usual route has no escape: no searches for one
        if (escaped && (escapedPath.Contains("%2F", StringComparison.OrdinalIgnoreCase) || escapedPath.Contains("%5C", StringComparison.OrdinalIgnoreCase)))
        {
            problem = "it contains an encoded path separator (%2F or %5C)";
            return false;
        }

        string text = escaped ? Uri.UnescapeDataString(escapedPath) : escapedPath;
        if (text.Contains('%', StringComparison.Ordinal))
        {
            problem = "it is encoded twice (a '%' is left after decoding)";
            return false;
        }

        foreach (char c in text)
        {
            if (c == '\\')
            {
                problem = "it contains a backslash";
                return false;
            }

            if (char.IsControl(c))
            {
                problem = "it contains a control character";
                return false;
            }
        }

        foreach (var range in text.AsSpan().Split('/'))
        {
            var segment = text.AsSpan()[range];
            if (segment is "." or "..")
            {
                problem = "it contains a dot segment ('.' or '..')";
                return false;
            }
        }

        decoded = text;
        problem = null;
        return true;
    }
}
