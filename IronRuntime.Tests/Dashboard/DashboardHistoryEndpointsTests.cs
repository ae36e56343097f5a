using System.Net;
using System.Text;
using System.Text.Json;
using IronRuntime.Router;
using IronRuntime.State;
using IronRuntime.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IronRuntime.Tests.Dashboard;

/// <summary><c>GET {prefix}/calls</c> and <c>GET {prefix}/spend</c> in a real host over a SQLite state file.</summary>
public sealed class DashboardHistoryEndpointsTests
{
    private string _dir = null!;
    private FakeProvider _fake = null!;
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    [SetUp]
    public async Task SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("ironruntime-history-http-").FullName;
        _fake = await FakeProvider.StartAsync();
    }

    [TearDown]
    public async Task TearDown()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _fake.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task StartAsync(bool sqlite = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddIronRuntime(b =>
        {
            b.UseOpenAI(FakeProvider.OpenAIKey, _fake.BaseUri);
            if (sqlite)
            {
                b.UseSqliteState(Path.Combine(_dir, "state.db"));
            }
        });
        _app = builder.Build();
        _app.MapIronRuntimeDashboard();
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
    }

    private async Task CallAsync(string agent, int times)
    {
        var runtime = _app.Services.GetRequiredService<AgentRuntime>();
        using var client = runtime.CreateHttpClient(agent);
        for (int i = 0; i < times; i++)
        {
            using var response = await client.PostAsync("/v1/chat/completions", new StringContent(
                """{"model":"gpt-4o-mini","max_tokens":300,"messages":[{"role":"user","content":"private words"}]}""", Encoding.UTF8, "application/json"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
    }

    private Task FlushAsync() => _app.Services.GetRequiredService<IRuntimeStateStore>().FlushAsync();

    [Test]
    public async Task Spend_ByAgentPerDay_SumsTheCallsMadeThroughTheRuntime()
    {
        await StartAsync();
        _fake.Usage = new TokenUsage(1000, 200); // gpt-4o-mini: 1000 × $0.15/M + 200 × $0.60/M = $0.00027 a call
        await CallAsync("x", 2);
        await CallAsync("y", 1);
        await FlushAsync();

        using var spend = JsonDocument.Parse(await _http.GetStringAsync("/ironruntime/spend?by=agent&bucket=day&from=" + Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-1).ToString("O"))));
        var byAgent = spend.RootElement.GetProperty("points").EnumerateArray()
            .GroupBy(p => p.GetProperty("key").GetString()!)
            .ToDictionary(g => g.Key, g => (Cost: g.Sum(p => p.GetProperty("cost").GetDecimal()), Requests: g.Sum(p => p.GetProperty("requests").GetInt64())));

        Assert.Multiple(() =>
        {
            Assert.That(spend.RootElement.GetProperty("bucketSeconds").GetInt32(), Is.EqualTo(86_400));
            Assert.That(byAgent.Keys, Is.EquivalentTo(new[] { "x", "y" }));
            Assert.That(byAgent["x"], Is.EqualTo((0.00054m, 2L)));
            Assert.That(byAgent["y"], Is.EqualTo((0.00027m, 1L)));
        });
    }

    [Test]
    public async Task Calls_PagesWithTheCursor_FiltersByAgent_AndNeverHoldsContent()
    {
        await StartAsync();
        _fake.Usage = new TokenUsage(1000, 200);
        await CallAsync("x", 3);
        await CallAsync("y", 1);
        await FlushAsync();

        string firstJson = await _http.GetStringAsync("/ironruntime/calls?agent=x&limit=2");
        using var first = JsonDocument.Parse(firstJson);
        string cursor = first.RootElement.GetProperty("nextCursor").GetString()!;
        using var second = JsonDocument.Parse(await _http.GetStringAsync($"/ironruntime/calls?agent=x&limit=2&cursor={cursor}"));
        using var modelOnly = JsonDocument.Parse(await _http.GetStringAsync("/ironruntime/calls?model=gpt-4o"));

        var firstCalls = first.RootElement.GetProperty("calls").EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(firstCalls, Has.Count.EqualTo(2));
            Assert.That(firstCalls.Select(c => c.GetProperty("agentId").GetString()), Is.All.EqualTo("x"));
            Assert.That(firstCalls[0].GetProperty("id").GetInt64(), Is.GreaterThan(firstCalls[1].GetProperty("id").GetInt64()), "newest first");
            Assert.That(firstCalls[0].GetProperty("cost").GetDecimal(), Is.EqualTo(0.00027m));
            Assert.That(firstCalls[0].GetProperty("inputTokens").GetInt64(), Is.EqualTo(1000));
            Assert.That(second.RootElement.GetProperty("calls").GetArrayLength(), Is.EqualTo(1));
            Assert.That(second.RootElement.GetProperty("nextCursor").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(modelOnly.RootElement.GetProperty("calls").GetArrayLength(), Is.Zero, "exact model match");
            Assert.That(firstJson, Does.Not.Contain("private words"));
        });
    }

    [TestCase("/ironruntime/spend?bucket=week", "'bucket'")]
    [TestCase("/ironruntime/spend?by=provider", "'by'")]
    [TestCase("/ironruntime/spend?from=yesterday", "'from'")]
    [TestCase("/ironruntime/spend?bucket=minute&from=2026-01-01T00:00:00Z&to=2026-01-03T00:00:00Z", "at most 1500 buckets")]
    [TestCase("/ironruntime/spend?from=2026-01-03T00:00:00Z&to=2026-01-01T00:00:00Z", "before 'to'")]
    [TestCase("/ironruntime/calls?limit=0", "'limit'")]
    [TestCase("/ironruntime/calls?limit=501", "'limit'")]
    [TestCase("/ironruntime/calls?cursor=-5", "'cursor'")]
    [TestCase("/ironruntime/calls?to=not-a-time", "'to'")]
    public async Task History_BadQuery_Answers400WithTheReason(string path, string reason)
    {
        await StartAsync();

        using var response = await _http.GetAsync(path);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(body.RootElement.GetProperty("error").GetString(), Does.Contain(reason));
        });
    }

    [Test]
    public async Task History_WithoutTheSqliteStore_Answers404SayingWhatToConfigure()
    {
        await StartAsync(sqlite: false);

        using var calls = await _http.GetAsync("/ironruntime/calls");
        using var spend = await _http.GetAsync("/ironruntime/spend");

        Assert.Multiple(async () =>
        {
            Assert.That(calls.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(spend.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(await calls.Content.ReadAsStringAsync(), Does.Contain("UseSqliteState"));
        });
    }
}
