using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace IronRuntime.Dashboard;

/// <summary>
/// The page at <c>{prefix}/</c>: <c>index.html</c> and the script and style sheet it loads from
/// <c>{prefix}/assets/{hashed name}</c>, all embedded in this assembly (no CDN). The HTML is sent with a strict
/// Content-Security-Policy (<see cref="ContentSecurityPolicy"/>: no inline script or style anywhere on the page),
/// <c>Cache-Control: no-cache</c> and an ETag; the assets, named by their content hash, as immutable for a year.
/// Brotli or gzip as the browser accepts. The same access checks as every dashboard endpoint.
/// </summary>
internal static class DashboardPage
{
    /// <summary>The page's Content-Security-Policy: its own origin only, nothing inline, not framable.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly Lazy<IReadOnlyDictionary<string, DashboardAsset>> Files = new(LoadFiles);

    public static void Map(RouteGroupBuilder group, DashboardGuard guard, IronRuntimeDashboardOptions options)
    {
        var files = Files.Value;
        var assets = files.Where(f => f.Key != "index.html").ToDictionary(f => f.Value.HashedName, f => f.Value, StringComparer.Ordinal);
        string html = Encoding.UTF8.GetString(files["index.html"].Content);
        foreach (var (name, asset) in files)
        {
            html = html.Replace("{{" + name + "}}", "assets/" + asset.HashedName, StringComparison.Ordinal);
        }

        var page = new DashboardAsset("index.html", Encoding.UTF8.GetBytes(html.Replace("{{readonly}}", options.ReadOnly ? "true" : "false", StringComparison.Ordinal)));

        group.MapGet("/", (HttpContext context) =>
        {
            if (guard.Check(context) is { } refused)
            {
                return refused;
            }

            // Relative links (assets/…, agents, events) resolve against the page's URL, so it must end with '/'.
            return context.Request.Path.Value?.EndsWith('/') == true
                ? new AssetResult(page, immutable: false)
                : Results.Redirect(context.Request.PathBase + context.Request.Path + "/" + context.Request.QueryString);
        });
        group.MapGet("/assets/{name}", (HttpContext context, string name) =>
            guard.Check(context) ?? (assets.TryGetValue(name, out var asset)
                ? new AssetResult(asset, immutable: true)
                : Results.NotFound()));
    }

    private static Dictionary<string, DashboardAsset> LoadFiles()
    {
        var provider = new ManifestEmbeddedFileProvider(typeof(DashboardPage).Assembly, "Dashboard/Assets");
        var files = new Dictionary<string, DashboardAsset>(StringComparer.Ordinal);
        foreach (var file in provider.GetDirectoryContents("/").Where(f => !f.IsDirectory))
        {
            using var stream = file.CreateReadStream();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            files[file.Name] = new DashboardAsset(file.Name, buffer.ToArray());
        }

        return files;
    }

    /// <summary>Writes an asset: 304 for a matching If-None-Match, else the best encoding the client accepts.</summary>
    private sealed class AssetResult(DashboardAsset asset, bool immutable) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var request = httpContext.Request;
            var response = httpContext.Response;
            var headers = response.Headers;
            headers.ETag = asset.ETag;
            headers.CacheControl = immutable ? "public, max-age=31536000, immutable" : "no-cache";
            headers.Vary = HeaderNames.AcceptEncoding;
            headers.XContentTypeOptions = "nosniff";
            if (!immutable)
            {
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
            }

            if (request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(tag => tag.Trim() == asset.ETag || tag.Trim() == "*")))
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return Task.CompletedTask;
            }

            byte[] body = asset.Content;
            var accepted = request.GetTypedHeaders().AcceptEncoding;
            if (Accepts(accepted, "br"))
            {
                body = asset.Brotli;
                headers.ContentEncoding = "br";
            }
            else if (Accepts(accepted, "gzip"))
            {
                body = asset.Gzip;
                headers.ContentEncoding = "gzip";
            }

            response.ContentType = asset.ContentType;
            response.ContentLength = body.Length;
            return response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
        }

        private static bool Accepts(IList<StringWithQualityHeaderValue> accepted, string coding)
            => accepted.Any(a => string.Equals(a.Value.Value, coding, StringComparison.OrdinalIgnoreCase) && a.Quality is not 0);
    }
}
