using IronRuntime.Router;
using IronRuntime.State;
using IronRuntime.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace IronRuntime.Tests.State;

/// <summary>The SQLite store on its own: durable reservations, settlement in their place, recovery, signalled flush.</summary>
public sealed class SqliteRuntimeStateStoreTests
{
    private string _db = null!;

    [SetUp]
    public void SetUp() => _db = Path.Combine(Directory.CreateTempSubdirectory("ironruntime-store-").FullName, "state.db");

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(_db)!, recursive: true);
    }

    private SqliteRuntimeStateStore Open() => new(_db, 1024, TimeProvider.System, NullLogger.Instance);

    private long Count(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_db};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private static CallRecord Call(string agent, decimal cost) => new(DateTimeOffset.UnixEpoch, agent, LlmProvider.OpenAI, "gpt-4o-mini",
        LlmCallOutcome.Succeeded, 200, new TokenUsage(40, 100), cost, 12);

    [Test]
    public async Task ReserveAsync_CompletesOnlyOnceCommitted_AndSettleReplacesTheReservation()
    {
        await using var store = Open();

        long id = await store.ReserveAsync("a", "gpt-4o-mini", 0.0003m);
        Assert.That(Count("SELECT count(*) FROM pending"), Is.EqualTo(1), "visible to another connection once ReserveAsync completed");

        store.Settle(id, Call("a", 0.0001m));
        await store.FlushAsync();
        Assert.Multiple(() =>
        {
            Assert.That(Count("SELECT count(*) FROM pending"), Is.Zero);
            Assert.That(Count("SELECT count(*) FROM calls"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Commits_AreCheckpointedInTheBackground_AndEveryReservationStaysDurable()
    {
        await using var store = Open();

        // 200 reservations one after the other: 200 commits, past the 64 commits after which the writer asks the
        // background checkpointer for a PASSIVE checkpoint (the writer's own connection never checkpoints).
        for (int i = 0; i < 200; i++)
        {
            _ = await store.ReserveAsync("a", "gpt-4o-mini", 0.0003m);
        }

        await Eventually.UntilAsync(() => store.Checkpoints >= 1, TimeSpan.FromSeconds(30), "a background checkpoint");
        Assert.That(Count("SELECT count(*) FROM pending"), Is.EqualTo(200));
    }

    [Test]
    public async Task Reopen_AfterUnsettledReservations_ChargesThemInFullAndFlagsThem()
    {
        await using (var first = Open())
        {
            first.Settle(await first.ReserveAsync("a", "gpt-4o-mini", 0.0003m), Call("a", 0.0001m));
            _ = await first.ReserveAsync("a", "gpt-4o-mini", 0.0003m); // in flight when the process "died"
            _ = await first.ReserveAsync(null, "gpt-4o-mini", 0.0002m);
        }

        await using var second = Open();
        var state = second.Load();
        var agent = state.Agents.Single();
        Assert.Multiple(() =>
        {
            Assert.That((agent.AgentId, agent.Requests, agent.SucceededRequests, agent.UnsettledRequests, agent.BudgetSpent), Is.EqualTo(("a", 2L, 1L, 1L, 0.0004m)));
            Assert.That((state.Totals.Requests, state.Totals.UnsettledRequests, state.Totals.BudgetSpent), Is.EqualTo((3L, 2L, 0.0006m)));
            Assert.That(Count("SELECT count(*) FROM calls WHERE outcome = 'Unsettled' AND unsettled = 1"), Is.EqualTo(2));
            Assert.That(Count("SELECT count(*) FROM pending"), Is.Zero, "recovered once, not again at the next start");
        });
    }

    [Test]
    public async Task FlushAsync_CompletesWhenEverythingQueuedBeforeIsWritten()
    {
        await using var store = Open();
        for (int i = 0; i < 500; i++)
        {
            store.Append(Call("a", 0.0001m));
        }

        await store.FlushAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Multiple(() =>
        {
            Assert.That(Count("SELECT count(*) FROM calls"), Is.EqualTo(500));
            Assert.That(Count("SELECT requests FROM totals WHERE account = 'a'"), Is.EqualTo(500));
        });
    }
}
