using System.Diagnostics;
using System.Net;
using System.Text;
using IronRuntime.Agents;
using IronRuntime.Resilience;
using IronRuntime.Router;
using IronRuntime.Tests.Fakes;
using IronRuntime.Tests.Resilience;
using IronRuntime.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace IronRuntime.Tests.Dashboard;

/// <summary>
/// The dashboard page in a real browser: the system's Chromium (<c>/usr/bin/chromium</c>, or
/// <c>IRONRUNTIME_CHROMIUM</c>) driven by Playwright, against a real host with a runtime, a SQLite state file and the
/// loopback fake provider. One browser and one host for the fixture; a fresh page per test, and every test fails on a
/// console error or an uncaught exception in the page (a CSP violation is one). Without a browser the tests are ignored.
/// </summary>
[NonParallelizable]
public sealed class DashboardBrowserTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private string _dir = null!;
    private FakeProvider _fake = null!;
    private WebApplication _app = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private string _url = null!;
    private readonly List<string> _errors = [];

    private AgentRuntime Runtime => _app.Services.GetRequiredService<AgentRuntime>();

    /// <summary>The Chromium to drive, or null when there is none.</summary>
    internal static string? FindChromium()
        => new[] { Environment.GetEnvironmentVariable("IRONRUNTIME_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        if (FindChromium() is not { } chromium)
        {
            Assert.Ignore("No Chromium found (/usr/bin/chromium or IRONRUNTIME_CHROMIUM): install it with 'apt-get install -y chromium' to run the dashboard's browser tests.");
            return;
        }

        _dir = Directory.CreateTempSubdirectory("ironruntime-browser-").FullName;
        _fake = await FakeProvider.StartAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddIronRuntime(b => b
            .WithBudget(1m)
            .WithPii(p => p.ResponseMode = IronRuntime.Pii.PiiMode.Redact)
            .UseSqliteState(Path.Combine(_dir, "state.db"))
            .ConfigureResilience(ResilienceTestSupport.Sensitive)
            .UseOpenAI(FakeProvider.OpenAIKey, _fake.BaseUri)
            .UseAnthropic(FakeProvider.AnthropicKey, _fake.BaseUri));
        _app = builder.Build();
        _app.UseWebSockets();
        _app.MapIronRuntimeDashboard();
        await _app.StartAsync();
        _url = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/ironruntime/";

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            Timeout = 60_000,
        });
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            await _fake.DisposeAsync();
            SqliteConnection.ClearAllPools();
            Directory.Delete(_dir, recursive: true);
        }
    }

    [SetUp]
    public void SetUp() => _errors.Clear();

    /// <summary>A new page at <paramref name="width"/>×<paramref name="height"/>, loaded and live (WebSocket open, first data in).</summary>
    private async Task<IPage> OpenAsync(int width = 1280, int height = 800)
    {
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        page.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _errors.Add("console: " + message.Text);
            }
        };
        page.PageError += (_, error) => _errors.Add("page error: " + error);
        var response = await page.GotoAsync(_url);
        Assert.That(response!.Status, Is.EqualTo(200));
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("Live", new() { Timeout = (float)Patience.TotalMilliseconds });
        await Assertions.Expect(page.Locator("#updated")).Not.ToBeEmptyAsync(new() { Timeout = (float)Patience.TotalMilliseconds });
        return page;
    }

    private void AssertNoPageErrors() => Assert.That(_errors, Is.Empty, "console errors or uncaught exceptions in the page");

    private static StringContent Chat(string model = "gpt-4o-mini") => new(
        $$"""{"model":"{{model}}","max_tokens":50,"messages":[{"role":"user","content":"hello"}]}""", Encoding.UTF8, "application/json");

    [Test]
    public async Task Page_Loads_WithNoConsoleErrors()
    {
        var page = await OpenAsync();

        await Assertions.Expect(page.Locator("h2#agents-title")).ToHaveTextAsync("Agents");
        await Assertions.Expect(page.Locator("#providers li")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#chart svg")).ToBeVisibleAsync();
        await page.CloseAsync();
        AssertNoPageErrors();
    }

    [Test]
    public async Task CallThroughTheRuntime_AppearsInTheTableAndTheChart_WithinOneSecond()
    {
        var page = await OpenAsync();
        _fake.Usage = new TokenUsage(1000, 200);

        using (var client = Runtime.CreateHttpClient("watched"))
        using (var response = await client.PostAsync("https://api.openai.com/v1/chat/completions", Chat()))
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var clock = Stopwatch.StartNew();
        var row = page.Locator("#calls tbody tr[data-call-agent='watched']").First;
        await row.WaitForAsync();
        var bar = page.Locator("#chart rect[data-key='watched']").First;
        await bar.WaitForAsync(new() { State = WaitForSelectorState.Attached });
        var elapsed = clock.Elapsed;

        Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(1)), "from the call's completion to the row and the bar");
        await Assertions.Expect(row).ToContainTextAsync("gpt-4o-mini");
        await Assertions.Expect(row).ToContainTextAsync("1,000 / 200");
        await Assertions.Expect(row).ToContainTextAsync("Succeeded");
        Assert.That(await bar.GetAttributeAsync("data-cost"), Is.EqualTo("0.00027"), "1000 × $0.15/M + 200 × $0.60/M");
        await page.CloseAsync();
        AssertNoPageErrors();
    }

    [Test]
    public async Task StopButton_StopsTheAgent()
    {
        var agent = await Runtime.StartAgentAsync(ctx => Task.Delay(Timeout.Infinite, ctx.StoppingToken), new AgentOptions { AgentId = "sleeper" });
        var page = await OpenAsync();
        var status = page.Locator("#agents tr[data-agent='sleeper'] td[data-col='status']");
        await Assertions.Expect(status).ToHaveTextAsync("Running");

        await page.Locator("button[data-stop='sleeper']").ClickAsync();

        await Assertions.Expect(status).ToHaveTextAsync("Stopped");
        Assert.That(agent.Status, Is.EqualTo(AgentStatus.Stopped));
        await Assertions.Expect(page.Locator("button[data-stop='sleeper']")).ToBeDisabledAsync();
        await page.CloseAsync();
        AssertNoPageErrors();
    }

    [Test]
    public async Task BudgetControls_SetTheGlobalAndAnAgentsBudget()
    {
        await Runtime.StartAgentAsync(ctx => Task.Delay(Timeout.Infinite, ctx.StoppingToken), new AgentOptions { AgentId = "budgeted" });
        var page = await OpenAsync();
        page.Dialog += (_, dialog) => dialog.AcceptAsync("0.3");
        try
        {
            await page.Locator("#budget-input").FillAsync("0.75");
            await page.Locator("#budget-form button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator("#budget-limit")).ToHaveTextAsync("$0.75");
            await page.Locator("button[data-budget='budgeted']").ClickAsync();
            await Assertions.Expect(page.Locator("#agents tr[data-agent='budgeted']")).ToContainTextAsync("/ $0.30");

            Assert.Multiple(() =>
            {
                Assert.That(Runtime.GetBudget().Limit, Is.EqualTo(0.75m));
                Assert.That(Runtime.GetBudget("budgeted").Limit, Is.EqualTo(0.3m));
            });
        }
        finally
        {
            Runtime.SetBudget(null, 1m);
            await Runtime.StopAgentAsync("budgeted");
        }

        await page.CloseAsync();
        AssertNoPageErrors();
    }

    [Test]
    public async Task FailingProvider_ShowsItsCircuitOpen_WithTheTimeUntilRetry()
    {
        var page = await OpenAsync();
        var anthropic = page.Locator("#providers li[data-provider='anthropic']");
        await Assertions.Expect(anthropic.Locator(".badge")).ToHaveTextAsync("Closed");

        _fake.FailNext(2, 500);
        using var client = Runtime.CreateHttpClient("unlucky");
        for (int i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, ResilienceTestSupport.MessagesUrl)
            {
                Content = new StringContent("""{"model":"claude-haiku-4-5","max_tokens":50,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("anthropic-version", "2023-06-01");
            using var failed = await client.SendAsync(request);
            Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        }

        await Assertions.Expect(anthropic.Locator(".badge")).ToHaveTextAsync("Open");
        await Assertions.Expect(anthropic).ToContainTextAsync("retry in");
        await Assertions.Expect(page.Locator("#providers li[data-provider='openai'] .badge")).ToHaveTextAsync("Closed");
        await page.CloseAsync();
        AssertNoPageErrors();
    }

    [Test]
    public async Task Screenshots_AtDesktopAndPhoneSizes_AreSavedAsArtifacts()
    {
        _fake.Usage = new TokenUsage(120_000, 30_000);
        _fake.ReplyText = "Sure, write to jane.roe@example.com about it.";
        var agents = new List<AgentHandle>();
        foreach (var (id, budget, calls) in new[] { ("researcher", 0.2m, 3), ("summarizer", 0.05m, 2), ("triage-bot", 0.5m, 1) })
        {
            agents.Add(await Runtime.StartAgentAsync(async ctx =>
            {
                for (int i = 0; i < calls; i++)
                {
                    using var r = await ctx.HttpClient.PostAsync("/v1/chat/completions", Chat());
                }

                await Task.Delay(Timeout.Infinite, ctx.StoppingToken);
            }, new AgentOptions { AgentId = id, Budget = budget }));
        }

        // The agents make their calls after they started: wait for every call to end before the records are flushed,
        // or the chart (drawn from the store) can miss the last ones.
        await Eventually.UntilAsync(
            () => Runtime.GetMetrics("researcher").Requests == 3 && Runtime.GetMetrics("summarizer").Requests == 2 && Runtime.GetMetrics("triage-bot").Requests == 1,
            TimeSpan.FromSeconds(30), "every agent's calls to end");
        await _app.Services.GetRequiredService<IronRuntime.State.IRuntimeStateStore>().FlushAsync();
        foreach (var (width, height) in new[] { (1280, 800), (390, 844) })
        {
            var page = await OpenAsync(width, height);
            await Assertions.Expect(page.Locator("#agents tr[data-agent='researcher']")).ToBeVisibleAsync();

            // The chart, drawn from GET /spend: 3 calls × (120,000 × $0.15/M + 30,000 × $0.60/M) = 3 × $0.036.
            // The chart is drawn after the table: read it until it holds the spend (or shows more, or 10 s pass).
            double charted = 0;
            for (var deadline = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < deadline; await Task.Delay(100))
            {
                charted = await page.EvalOnSelectorAllAsync<double>("#chart rect[data-key='researcher']", "bars => bars.reduce((sum, b) => sum + Number(b.dataset.cost), 0)");
                if (charted >= 0.108 - 1e-9)
                {
                    break;
                }
            }

            Assert.That(charted, Is.EqualTo(0.108).Within(1e-9), "the researcher's spend in the chart, counted once");
            string path = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"dashboard-{width}x{height}.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
            TestContext.AddTestAttachment(path, $"The dashboard at {width}×{height}");
            Assert.That(new FileInfo(path).Length, Is.GreaterThan(10_000));
            await page.CloseAsync();
        }

        foreach (var agent in agents)
        {
            await Runtime.StopAgentAsync(agent.AgentId);
        }

        AssertNoPageErrors();
    }
}
