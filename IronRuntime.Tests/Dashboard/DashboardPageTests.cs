using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using IronRuntime.Agents;
using IronRuntime.Dashboard;
using IronRuntime.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Tests.Dashboard;

/// <summary>
/// The page at <c>{prefix}/</c> over HTTP in a real host: embedded files, strict CSP with nothing inline, compression,
/// cache headers, and <c>POST {prefix}/budget</c>. (What it looks like and does in a browser: DashboardBrowserTests.)
/// </summary>
public sealed partial class DashboardPageTests
{
    private FakeProvider _fake = null!;
    private WebApplication? _app;
    private HttpClient _http = null!;

    [SetUp]
    public async Task SetUp() => _fake = await FakeProvider.StartAsync();

    [TearDown]
    public async Task TearDown()
    {
        _http.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await _fake.DisposeAsync();
    }

    private async Task StartAsync(Action<IronRuntimeDashboardOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddIronRuntime(b => b.WithBudget(2m).UseOpenAI(FakeProvider.OpenAIKey, _fake.BaseUri));
        _app = builder.Build();
        _app.MapIronRuntimeDashboard(configure: configure);
        await _app.StartAsync();
        var address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        _http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = address };
    }

    private async Task<(HttpResponseMessage Response, string Html)> GetPageAsync()
    {
        var response = await _http.GetAsync("/ironruntime/");
        return (response, await response.Content.ReadAsStringAsync());
    }

    [GeneratedRegex("""(?:src|href)="(assets/[^"]+)""")]
    private static partial Regex AssetLink();

    [Test]
    public async Task Page_IsServedWithAStrictCspAndNothingInline()
    {
        await StartAsync();

        var (response, html) = await GetPageAsync();
        using var _ = response;
        string csp = response.Headers.GetValues("Content-Security-Policy").Single();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/html"));
            Assert.That(csp, Does.Contain("default-src 'none'").And.Contain("script-src 'self'").And.Contain("style-src 'self'").And.Contain("frame-ancestors 'none'"));
            Assert.That(csp, Does.Not.Contain("unsafe-inline").And.Not.Contain("unsafe-eval"));
            Assert.That(html, Does.Not.Match("<script(?![^>]*\\ssrc=)[^>]*>"), "no inline script");
            Assert.That(html, Does.Not.Contain("<style").And.Not.Match("\\sstyle=").And.Not.Match("\\son[a-z]+="), "no inline style or handlers");
            Assert.That(html, Does.Not.Match("(?:src|href)=\"(?:https?:)?//"), "nothing from another host (no CDN)");
            Assert.That(AssetLink().Matches(html).Select(m => m.Groups[1].Value), Has.Exactly(3).Items);
            Assert.That(response.Headers.CacheControl!.NoCache, Is.True);
            Assert.That(response.Headers.ETag, Is.Not.Null);
        });
    }

    [Test]
    public async Task Prefix_WithoutTrailingSlash_RedirectsToThePage()
    {
        await StartAsync();

        using var response = await _http.GetAsync("/ironruntime");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That(response.Headers.Location!.OriginalString, Is.EqualTo("/ironruntime/"));
        });
    }

    [Test]
    public async Task Assets_AreImmutableUnderHashedNames_CompressedAsAccepted_And304WhenUnchanged()
    {
        await StartAsync();
        var (page, html) = await GetPageAsync();
        page.Dispose();
        string script = AssetLink().Matches(html).Select(m => m.Groups[1].Value).Single(p => p.EndsWith(".js", StringComparison.Ordinal));

        using var plain = await _http.GetAsync("/ironruntime/" + script);
        byte[] identity = await plain.Content.ReadAsByteArrayAsync();
        using var brRequest = new HttpRequestMessage(HttpMethod.Get, "/ironruntime/" + script) { Headers = { AcceptEncoding = { new("gzip"), new("br") } } };
        using var br = await _http.SendAsync(brRequest);
        using var gzRequest = new HttpRequestMessage(HttpMethod.Get, "/ironruntime/" + script) { Headers = { AcceptEncoding = { new("gzip") } } };
        using var gz = await _http.SendAsync(gzRequest);
        using var again = new HttpRequestMessage(HttpMethod.Get, "/ironruntime/" + script) { Headers = { IfNoneMatch = { plain.Headers.ETag! } } };
        using var notModified = await _http.SendAsync(again);
        using var unknown = await _http.GetAsync("/ironruntime/assets/dashboard.0000000000.js");

        byte[] brBody = await br.Content.ReadAsByteArrayAsync();
        byte[] gzBody = await gz.Content.ReadAsByteArrayAsync();
        Assert.Multiple(() =>
        {
            Assert.That(plain.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(plain.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/javascript"));
            Assert.That(plain.Headers.CacheControl!.ToString(), Does.Contain("immutable").And.Contain("max-age=31536000"));
            Assert.That(plain.Headers.Vary, Does.Contain("Accept-Encoding"));
            Assert.That(br.Content.Headers.ContentEncoding, Is.EqualTo(new[] { "br" }));
            Assert.That(brBody, Has.Length.LessThan(identity.Length));
            Assert.That(Decompress(brBody, s => new BrotliStream(s, CompressionMode.Decompress)), Is.EqualTo(identity));
            Assert.That(gz.Content.Headers.ContentEncoding, Is.EqualTo(new[] { "gzip" }));
            Assert.That(Decompress(gzBody, s => new GZipStream(s, CompressionMode.Decompress)), Is.EqualTo(identity));
            Assert.That(notModified.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }

    private static byte[] Decompress(byte[] data, Func<Stream, Stream> open)
    {
        using var input = open(new MemoryStream(data));
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    [Test]
    public async Task Page_FromARemoteAddress_IsRefused()
    {
        await StartAsync(o => o.Authorize = _ => false);

        var (response, html) = await GetPageAsync();
        using var _ = response;

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(html, Does.Not.Contain("<html"));
        });
    }

    private async Task<HttpResponseMessage> PostBudgetAsync(string json, bool header = true, string? origin = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ironruntime/budget") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (header)
        {
            request.Headers.Add(IronRuntimeDashboardOptions.RequestHeaderName, "1");
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await _http.SendAsync(request);
    }

    [Test]
    public async Task Budget_SetsTheGlobalAndAnAgentsLimit_AndClearsOne()
    {
        await StartAsync();
        var runtime = _app!.Services.GetRequiredService<AgentRuntime>();

        using var global = await PostBudgetAsync("""{"agentId":null,"limit":7.5}""");
        using var agent = await PostBudgetAsync("""{"agentId":"a1","limit":0.25}""");
        decimal? agentLimit = runtime.GetBudget("a1").Limit;
        using var cleared = await PostBudgetAsync("""{"agentId":"a1","limit":null}""");
        using var body = JsonDocument.Parse(await global.Content.ReadAsStringAsync());

        Assert.Multiple(() =>
        {
            Assert.That(global.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body.RootElement.GetProperty("limit").GetDecimal(), Is.EqualTo(7.5m));
            Assert.That(runtime.GetBudget().Limit, Is.EqualTo(7.5m));
            Assert.That(agentLimit, Is.EqualTo(0.25m));
            Assert.That(cleared.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(runtime.GetBudget("a1").Limit, Is.Null);
        });
    }

    [TestCase("""{"limit":-1}""")]
    [TestCase("""{"limit":"5"}""")]
    [TestCase("""{"agentId":"a"}""")]
    [TestCase("""{"agentId":5,"limit":1}""")]
    [TestCase("""{"limit":1,"limit":9}""")]
    [TestCase("""not json""")]
    [TestCase("""[1]""")]
    public async Task Budget_BadBody_Answers400AndChangesNothing(string json)
    {
        await StartAsync();

        using var response = await PostBudgetAsync(json);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(_app!.Services.GetRequiredService<AgentRuntime>().GetBudget().Limit, Is.EqualTo(2m));
        });
    }

    [Test]
    public async Task Budget_BodyOverFourKilobytes_Chunked_Answers400AndChangesNothing()
    {
        await StartAsync();
        string json = "{\"limit\":9,\"pad\":\"" + new string('x', 5000) + "\"}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ironruntime/budget")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json))), // no Content-Length: sent chunked
            Headers = { { IronRuntimeDashboardOptions.RequestHeaderName, "1" } },
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;

        using var response = await _http.SendAsync(request);

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("larger than 4096 bytes"));
            Assert.That(_app!.Services.GetRequiredService<AgentRuntime>().GetBudget().Limit, Is.EqualTo(2m));
        });
    }

    [Test]
    public async Task Budget_CrossSiteOrWithoutTheHeaderOrReadOnly_IsRefused()
    {
        await StartAsync();
        using var noHeader = await PostBudgetAsync("""{"limit":100}""", header: false);
        using var crossSite = await PostBudgetAsync("""{"limit":100}""", origin: "https://evil.example");
        decimal? limit = _app!.Services.GetRequiredService<AgentRuntime>().GetBudget().Limit;
        await TearDown();
        await SetUp();
        await StartAsync(o => o.ReadOnly = true);
        using var readOnly = await PostBudgetAsync("""{"limit":100}""");
        using var stop = new HttpRequestMessage(HttpMethod.Post, "/ironruntime/agents/x/stop") { Headers = { { IronRuntimeDashboardOptions.RequestHeaderName, "1" } } };
        using var stopped = await _http.SendAsync(stop);
        var (page, html) = await GetPageAsync();
        page.Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(noHeader.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(crossSite.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(limit, Is.EqualTo(2m));
            Assert.That(readOnly.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(stopped.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(html, Does.Contain("""<meta name="ironruntime-readonly" content="true">"""));
        });
    }
}
