using System.Net;
using System.Text;
using IronRuntime.Budget;
using IronRuntime.Router;
using IronRuntime.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IronRuntime.Tests.State;

/// <summary>A daily budget period (Paris, UTC+1 in November) across restarts of a runtime with SQLite state.</summary>
public sealed class PeriodRestartTests
{
    private const string Body = """{"model":"gpt-4o-mini","max_tokens":500,"messages":[{"role":"user","content":"Hello there"}]}""";

    /// <summary>gpt-4o-mini in the shipped price table: 1,000 input tokens at 1.5e-07 and 200 output tokens at 6e-07.</summary>
    private const decimal CallCost = (1000 * 0.00000015m) + (200 * 0.0000006m);

    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("ironruntime-period-").FullName;

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private Task<RuntimeHarness> StartAsync(DateTimeOffset now) => RuntimeHarness.StartAsync(b =>
    {
        b.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(now));
        b.UseSqliteState(Path.Combine(_dir, "state.db")).WithBudget(1m).WithBudgetPeriod(BudgetPeriod.Daily, "Europe/Paris");
    });

    [Test]
    public async Task Restart_SamePeriodKeepsTheSpend_NextPeriodStartsAtZeroAndKeepsTheRecords()
    {
        await using (var first = await StartAsync(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero)))
        {
            first.Fake.Usage = new TokenUsage(1000, 200);
            using var http = first.Runtime.CreateHttpClient("a");
            using var response = await http.PostAsync("https://api.openai.com/v1/chat/completions", new StringContent(Body, Encoding.UTF8, "application/json"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        // 21:59 in Paris, the same day.
        await using (var sameDay = await StartAsync(new DateTimeOffset(2026, 11, 26, 20, 59, 0, TimeSpan.Zero)))
        {
            Assert.Multiple(() =>
            {
                Assert.That(sameDay.Runtime.GetBudget().Spent, Is.EqualTo(CallCost));
                Assert.That(sameDay.Runtime.GetBudget("a").Spent, Is.EqualTo(CallCost));
            });
        }

        // 00:00:30 in Paris, the next day.
        await using (var nextDay = await StartAsync(new DateTimeOffset(2026, 11, 26, 23, 0, 30, TimeSpan.Zero)))
        {
            Assert.Multiple(() =>
            {
                Assert.That(nextDay.Runtime.GetBudget(), Is.EqualTo(new BudgetSnapshot(null, 1m, 0m, 0m)));
                Assert.That(nextDay.Runtime.GetBudget("a").Spent, Is.Zero);
                Assert.That(nextDay.Runtime.GetTotals().Requests, Is.EqualTo(1), "the call's record is kept");
            });
        }

        using var connection = new SqliteConnection($"Data Source={Path.Combine(_dir, "state.db")};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT agent_id, cost FROM calls";
        using var reader = command.ExecuteReader();
        Assert.That(reader.Read(), Is.True);
        Assert.That((reader.GetString(0), decimal.Parse(reader.GetString(1), System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(("a", CallCost)));
        Assert.That(reader.Read(), Is.False);
    }
}
