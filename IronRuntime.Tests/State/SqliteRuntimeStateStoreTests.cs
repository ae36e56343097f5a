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

    private long Count(string sql) => Scalar<long>(sql);

    private string Text(string sql) => Scalar<string>(sql);

    private T Scalar<T>(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_db};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)command.ExecuteScalar()!;
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
    public async Task WriteAheadLog_UnderUnbrokenLoad_StartsOverSoItsFileStaysBounded()
    {
        await using var store = Open();

        // Eight callers reserving and releasing without pause: the writer always has committed more by the time a
        // background checkpoint ends, so the WAL never starts over by itself and grows with every commit (about 40 MB
        // here). The writer starts it over at 4,000 frames (16 MB) without waiting for an idle moment.
        long last = await ReserveAndReleaseWithoutPause(store, perCaller: 10_000);

        long walBytes = new FileInfo(_db + "-wal").Length;
        Assert.Multiple(() =>
        {
            Assert.That(walBytes, Is.LessThan(24L * 1024 * 1024), "the WAL file is reused, not grown with every commit");
            Assert.That(Count("SELECT count(*) FROM pending"), Is.EqualTo(1), "the 80,000 releases committed before the last reservation");
            Assert.That(Count("SELECT max(id) FROM pending"), Is.EqualTo(last), "the last reservation durable");
        });
    }

    [Test]
    public async Task WriteAheadLog_OnceTheWriterIsIdle_StartsOver()
    {
        await using var store = Open();

        // Thousands of commits, then no traffic: after 50 ms without work the writer copies the rest of the WAL into the database and
        // starts it over, which SQLite marks by a new checkpoint sequence number in the WAL header (bytes 12-15).
        long last = await ReserveAndReleaseWithoutPause(store, perCaller: 2_000);
        uint before = WalCheckpointSequence();

        await Eventually.UntilAsync(() => WalCheckpointSequence() != before, TimeSpan.FromSeconds(30), "the WAL started over");
        long next = await store.ReserveAsync("a", "gpt-4o-mini", 0.0003m);
        Assert.Multiple(() =>
        {
            Assert.That(Count("SELECT count(*) FROM pending"), Is.EqualTo(2), "the reservations before and after the restart");
            Assert.That(Count("SELECT sum(id) FROM pending"), Is.EqualTo(last + next));
        });
    }

    [Test]
    public async Task Writer_AfterABatchFailsWithAnErrorOtherThanSqlite_KeepsCommittingReservations()
    {
        await using var store = Open();

        // A call record of ten million dollars overflows the spend roll-up's picodollar count (a long holds about 9.2 million
        // dollars): the batch fails with an OverflowException, not a SqliteException. The writer must fail that batch
        // and go on; before, its thread ended and every later reservation and flush waited forever.
        store.Append(Call("a", 10_000_000m));
        await store.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));

        long id = await store.ReserveAsync("a", "gpt-4o-mini", 0.0003m).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(Count($"SELECT count(*) FROM pending WHERE id = {id}"), Is.EqualTo(1), "the reservation after the failed batch is durable");
    }

    private static async Task<long> ReserveAndReleaseWithoutPause(SqliteRuntimeStateStore store, int perCaller)
    {
        await Task.WhenAll(Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            for (int i = 0; i < perCaller; i++)
            {
                store.Release(await store.ReserveAsync($"agent-{c}", "gpt-4o-mini", 0.0003m));
            }
        })));
        return await store.ReserveAsync("a", "gpt-4o-mini", 0.0003m);
    }

    /// <summary>The WAL header's checkpoint sequence number (SQLite file format, "WAL file format": big-endian at offset 12).</summary>
    private uint WalCheckpointSequence()
    {
        using var wal = new FileStream(_db + "-wal", FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> header = stackalloc byte[16];
        wal.ReadExactly(header);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header[12..]);
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

    [Test]
    public async Task PreparedStatements_WriteEveryColumnExactly()
    {
        // The writer binds rows through SQLite's own API (SqliteStatement): text as UTF-16, times in the store's
        // round-trip format, money as exact decimal text. Expected values written out by hand.
        var at = new DateTimeOffset(2026, 11, 26, 19, 5, 7, 123, TimeSpan.FromHours(2)).AddTicks(4567);
        var store = new SqliteRuntimeStateStore(_db, 1024, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(at), NullLogger.Instance);
        await using (store)
        {
            _ = await store.ReserveAsync("agént 'ü' \"x\" 😀", "o3-mini", 12345678901234.567890123456m);
            long released = await store.ReserveAsync(null, "gpt-4o", 0.000000000001m);
            store.Settle(released, new CallRecord(at, "agént 'ü' \"x\" 😀", LlmProvider.Anthropic, "claude-sonnet-4-5", LlmCallOutcome.Failed, 529,
                new TokenUsage(7, 11) { CachedInputTokens = 3, CacheCreationInputTokens = 5, ReasoningTokens = 2 }, 0.1234567890123456789m, 1.5)
            { Estimated = true });
            await store.FlushAsync();

            Assert.Multiple(() =>
            {
                Assert.That(Text("SELECT id || '|' || ts || '|' || agent_id || '|' || model || '|' || amount || '|' || typeof(amount) FROM pending"),
                    Is.EqualTo("1|2026-11-26T17:05:07.1234567Z|agént 'ü' \"x\" 😀|o3-mini|12345678901234.567890123456|text"));
                Assert.That(Text("""
                    SELECT ts || '|' || agent_id || '|' || provider || '|' || model || '|' || outcome || '|' || status || '|' ||
                           input_tokens || '|' || output_tokens || '|' || cached_input_tokens || '|' || cache_creation_input_tokens || '|' ||
                           reasoning_tokens || '|' || cost || '|' || duration_ms || '|' || estimated || '|' || typeof(cost) || '|' || typeof(duration_ms)
                    FROM calls
                    """),
                    Is.EqualTo("2026-11-26T17:05:07.1234567Z|agént 'ü' \"x\" 😀|Anthropic|claude-sonnet-4-5|Failed|529|7|11|3|5|2|0.1234567890123456789|1.5|1|text|real"));
                Assert.That(Count("SELECT count(*) FROM pending WHERE id = 2"), Is.Zero, "the settled reservation is gone");
            });
        }
    }
}
