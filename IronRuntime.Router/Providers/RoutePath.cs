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
