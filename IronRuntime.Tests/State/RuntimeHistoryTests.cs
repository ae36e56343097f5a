using IronRuntime.Router;
using IronRuntime.State;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace IronRuntime.Tests.State;

/// <summary>
/// The history the dashboard reads (<see cref="IRuntimeHistory"/> on the SQLite store): call pages with filters and a
/// cursor, spend series per minute/hour/day per agent or model. Costs are written by hand from the shipped price table:
/// gpt-4o-mini $0.15 / $0.60 per million input / output tokens, claude-haiku-4-5 $1 / $5.
/// </summary>
public sealed class RuntimeHistoryTests
{
    // 1000 in + 200 out at gpt-4o-mini: 1000 × 0.00000015 + 200 × 0.0000006 = 0.00015 + 0.00012.
    private const decimal MiniCall = 0.00027m;

    // 1000 in + 200 out at claude-haiku-4-5: 1000 × 0.000001 + 200 × 0.000005 = 0.001 + 0.001.
    private const decimal HaikuCall = 0.002m;

    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    private string _db = null!;
    private SqliteRuntimeStateStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _db = Path.Combine(Directory.CreateTempSubdirectory("ironruntime-history-").FullName, "state.db");
        _store = new SqliteRuntimeStateStore(_db, 4096, TimeProvider.System, NullLogger.Instance);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(_db)!, recursive: true);
    }

    private static CallRecord Call(DateTimeOffset at, string? agent, string model, decimal cost) =>
        new(at, agent, model.StartsWith("claude", StringComparison.Ordinal) ? LlmProvider.Anthropic : LlmProvider.OpenAI, model,
            LlmCallOutcome.Succeeded, 200, new TokenUsage(1000, 200), cost, 12.5);

    /// <summary>
    /// a: 10:00:05 mini, 10:00:50 mini, 10:01:10 haiku, 11:30:00 mini, next day 09:00 haiku;
    /// b: 10:00:30 haiku; unattributed: 10:59:59 mini.
    /// </summary>
    private async Task WriteSampleAsync()
    {
        _store.Append(Call(T0.AddSeconds(5), "a", "gpt-4o-mini", MiniCall));
        _store.Append(Call(T0.AddSeconds(30), "b", "claude-haiku-4-5", HaikuCall));
        _store.Append(Call(T0.AddSeconds(50), "a", "gpt-4o-mini", MiniCall));
        _store.Append(Call(T0.AddSeconds(70), "a", "claude-haiku-4-5", HaikuCall));
        _store.Append(Call(T0.AddMinutes(59).AddSeconds(59), null, "gpt-4o-mini", MiniCall));
        _store.Append(Call(T0.AddMinutes(90), "a", "gpt-4o-mini", MiniCall));
        _store.Append(Call(T0.AddHours(23), "a", "claude-haiku-4-5", HaikuCall));
        await _store.FlushAsync();
    }

    private static string Row(SpendPoint p) => $"{p.Bucket:HH:mm} {p.Key ?? "-"} {p.Requests} {p.Cost}";

    [Test]
    public async Task QuerySpend_ByAgentPerMinute_SumsEachMinuteExactly()
    {
        await WriteSampleAsync();

        var points = _store.QuerySpend(new SpendQuery(60, T0, T0.AddHours(1), ByModel: false, null, null));

        Assert.That(points.Select(Row), Is.EqualTo(new[]
        {
            "10:00 a 2 0.00054", // 2 × 0.00027
            "10:00 b 1 0.002",
            "10:01 a 1 0.002",
            "10:59 - 1 0.00027",
        }));
    }

    [Test]
    public async Task QuerySpend_ByModelPerHourAndPerDay_SumsExactly()
    {
        await WriteSampleAsync();

        var hours = _store.QuerySpend(new SpendQuery(3600, T0, T0.AddHours(2), ByModel: true, null, null));
        var days = _store.QuerySpend(new SpendQuery(86_400, T0.Date, T0.Date.AddDays(2), ByModel: true, null, null));

        Assert.Multiple(() =>
        {
            Assert.That(hours.Select(Row), Is.EqualTo(new[]
            {
                "10:00 claude-haiku-4-5 2 0.004",    // b at 10:00:30, a at 10:01:10
                "10:00 gpt-4o-mini 3 0.00081",       // a ×2, unattributed at 10:59:59
                "11:00 gpt-4o-mini 1 0.00027",       // a at 11:30
            }));
            Assert.That(days.Select(p => $"{p.Bucket:MM-dd} {p.Key} {p.Requests} {p.Cost}"), Is.EqualTo(new[]
            {
                "11-26 claude-haiku-4-5 2 0.004",
                "11-26 gpt-4o-mini 4 0.00108",       // 4 × 0.00027
                "11-27 claude-haiku-4-5 1 0.002",    // 09:00 the next day
            }));
        });
    }

    [Test]
    public async Task QuerySpend_FilteredByAgentAndModel_CountsOnlyThoseCalls()
    {
        await WriteSampleAsync();

        var points = _store.QuerySpend(new SpendQuery(86_400, T0.Date, T0.Date.AddDays(2), ByModel: false, "a", "claude-haiku-4-5"));

        Assert.That(points.Select(p => $"{p.Bucket:MM-dd} {p.Key} {p.Requests} {p.InputTokens} {p.OutputTokens} {p.Cost}"), Is.EqualTo(new[]
        {
            "11-26 a 1 1000 200 0.002",
            "11-27 a 1 1000 200 0.002",
        }));
    }

    [Test]
    public async Task QueryCalls_PagesNewestFirstWithACursor_UntilTheLastPage()
    {
        await WriteSampleAsync();

        var first = _store.QueryCalls(new CallQuery(null, null, null, null, null, 3));
        var second = _store.QueryCalls(new CallQuery(null, null, null, null, first.NextCursor, 3));
        var third = _store.QueryCalls(new CallQuery(null, null, null, null, second.NextCursor, 3));

        Assert.Multiple(() =>
        {
            Assert.That(first.Calls.Select(c => c.Timestamp), Is.EqualTo(new[] { T0.AddHours(23), T0.AddMinutes(90), T0.AddMinutes(59).AddSeconds(59) }));
            Assert.That(second.Calls.Select(c => c.Timestamp), Is.EqualTo(new[] { T0.AddSeconds(70), T0.AddSeconds(50), T0.AddSeconds(30) }));
            Assert.That(third.Calls.Select(c => c.Timestamp), Is.EqualTo(new[] { T0.AddSeconds(5) }));
            Assert.That(third.NextCursor, Is.Null);
            Assert.That(first.Calls[0].Cost, Is.EqualTo(HaikuCall));
            Assert.That(first.Calls[2].AgentId, Is.Null);
        });
    }

    [Test]
    public async Task QueryCalls_FiltersByAgentModelAndTimeRange()
    {
        await WriteSampleAsync();

        var aMini = _store.QueryCalls(new CallQuery("a", "gpt-4o-mini", null, null, null, 50));
        var firstMinutes = _store.QueryCalls(new CallQuery(null, null, T0.AddSeconds(30), T0.AddSeconds(70), null, 50));

        Assert.Multiple(() =>
        {
            Assert.That(aMini.Calls.Select(c => c.Timestamp), Is.EqualTo(new[] { T0.AddMinutes(90), T0.AddSeconds(50), T0.AddSeconds(5) }));
            Assert.That(aMini.Calls.Select(c => c.Model), Is.All.EqualTo("gpt-4o-mini"));
            Assert.That(firstMinutes.Calls.Select(c => c.Timestamp), Is.EqualTo(new[] { T0.AddSeconds(50), T0.AddSeconds(30) }), "from inclusive, to exclusive");
        });
    }

    [Test]
    public async Task Reopen_AfterACrashWithACallInFlight_ChargesItsReservationInTheSpendSeries()
    {
        var now = DateTimeOffset.UtcNow;
        _ = await _store.ReserveAsync("a", "gpt-4o-mini", 0.0003m); // in flight when the process "died"
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();

        _store = new SqliteRuntimeStateStore(_db, 4096, TimeProvider.System, NullLogger.Instance);
        var day = _store.QuerySpend(new SpendQuery(86_400, now.AddDays(-1), now.AddDays(1), ByModel: true, "a", null));

        Assert.That(day.Select(p => $"{p.Key} {p.Requests} {p.Cost}"), Is.EqualTo(new[] { "gpt-4o-mini 1 0.0003" }), "charged its full reservation, as the totals are");
    }

    [Test]
    public async Task Reopen_OfAFileWrittenBeforeTheRollup_BackfillsTheSpendSeries()
    {
        await WriteSampleAsync();
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        using (var connection = new SqliteConnection($"Data Source={_db};Pooling=false"))
        {
            connection.Open();
            using var drop = connection.CreateCommand();
            drop.CommandText = "DROP TABLE spend_rollup";
            drop.ExecuteNonQuery();
        }

        _store = new SqliteRuntimeStateStore(_db, 4096, TimeProvider.System, NullLogger.Instance);
        var hours = _store.QuerySpend(new SpendQuery(3600, T0, T0.AddHours(2), ByModel: false, null, null));

        Assert.That(hours.Select(Row), Is.EqualTo(new[] { "10:00 - 1 0.00027", "10:00 a 3 0.00254", "10:00 b 1 0.002", "11:00 a 1 0.00027" }));
    }
}
